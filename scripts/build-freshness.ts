/**
 * Whether the production build in .next is older than the sources it was built from, so `npm start` rebuilds
 * after a `git pull` or an edit instead of serving yesterday's app. Compares the newest modification time of
 * the build inputs with the build's marker file (.next/BUILD_ID, written at the end of every `next build`).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** What `next build` compiles: sources, static files, configuration and the locked dependencies. */
export const BUILD_INPUTS = [
  "src",
  "public",
  "next.config.ts",
  "tsconfig.json",
  "package.json",
  "package-lock.json",
];

/** The newest file under `entry` (a file or a folder) and its modification time, or null if there is none. */
function newestFile(entry: string): { file: string; mtimeMs: number } | null {
  if (!existsSync(entry)) return null;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return { file: entry, mtimeMs: stat.mtimeMs };
  let newest: { file: string; mtimeMs: number } | null = null;
  for (const name of readdirSync(entry)) {
    const found = newestFile(path.join(entry, name));
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

export type BuildState = { kind: "missing" } | { kind: "stale"; changed: string } | { kind: "fresh" };

/** The state of the build in `root`/.next against the build inputs in `root`. */
export function buildState(root: string): BuildState {
  const marker = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(marker)) return { kind: "missing" };
  const builtAt = statSync(marker).mtimeMs;
  for (const input of BUILD_INPUTS) {
    const newest = newestFile(path.join(root, input));
    if (newest && newest.mtimeMs > builtAt)
      return { kind: "stale", changed: path.relative(root, newest.file) };
  }
  return { kind: "fresh" };
}
