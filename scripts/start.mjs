/**
 * `npm start`'s launcher: runs scripts/start.ts (the checks, migrations, the stale-build rebuild, then the server)
 * in this one Node.js process, compiled to plain JavaScript, so production runs without a TypeScript loader and
 * without a wrapper process (tsx's CLI, its loader and esbuild's service cost ≈ 100 MB at rest: bench/RESULTS.md).
 *
 * The compiled file (COMPILED, next to the Next.js build) is made by `npm run build` and again here whenever it is
 * missing or older than any file it was compiled from (esbuild's metafile lists them: scripts/start.ts and the
 * src/ modules it imports), so an edit or a `git pull` never starts yesterday's checks. npm packages are not
 * bundled: they load from node_modules as they would under tsx.
 *
 *   node scripts/start.mjs [--compile-only] [start.ts's own flags: -p, -H, --no-build]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = process.cwd();
export const COMPILED = path.join(root, ".next", "visitor-chat", "start.cjs");
export const PARSE_WORKER = path.join(root, ".next", "visitor-chat", "parse-worker.cjs");
const METAFILE = `${COMPILED}.inputs.json`;

/** True when the compiled file exists and is newer than every file it was compiled from. */
function fresh() {
  if (!existsSync(COMPILED) || !existsSync(PARSE_WORKER) || !existsSync(METAFILE)) return false;
  const builtAt = statSync(COMPILED).mtimeMs;
  const inputs = JSON.parse(readFileSync(METAFILE, "utf8"));
  return inputs.every((input) => existsSync(input) && statSync(input).mtimeMs <= builtAt);
}

async function compile() {
  const esbuild = await import("esbuild");
  mkdirSync(path.dirname(COMPILED), { recursive: true });
  // Written next to the target, then renamed: a test server starting at the same moment never reads half a file.
  // The knowledge import's parse worker (src/server/admin/knowledge/parse-worker.ts) is compiled beside it, so
  // imports in production need no TypeScript loader either (parse-runner.ts prefers PARSE_WORKER when present).
  const temporary = path.join(path.dirname(COMPILED), `tmp-${process.pid}`);
  const result = esbuild.buildSync({
    entryPoints: {
      start: path.join(root, "scripts", "start.ts"),
      "parse-worker": path.join(root, "src", "server", "admin", "knowledge", "parse-worker.ts"),
    },
    outdir: temporary,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    platform: "node",
    // CommonJS: the npm packages it imports (most are CommonJS) keep their named exports.
    format: "cjs",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    metafile: true,
    logLevel: "warning",
  });
  esbuild.stop();
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(root, input));
  renameSync(path.join(temporary, "parse-worker.cjs"), PARSE_WORKER);
  renameSync(path.join(temporary, "start.cjs"), COMPILED);
  rmSync(temporary, { recursive: true, force: true });
  writeFileSync(METAFILE, JSON.stringify(inputs));
}

if (process.argv.includes("--compile-only")) {
  if (!fresh()) await compile();
} else {
  // Compiled in a child process that exits: the server never loads esbuild or keeps its service process.
  if (!fresh()) {
    const compiled = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--compile-only"], {
      stdio: "inherit",
    });
    if (compiled.status !== 0) process.exit(compiled.status ?? 1);
  }
  await import(pathToFileURL(COMPILED).href);
}
