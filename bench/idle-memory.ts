/**
 * The whole app at rest: the resident memory of every process `npm start` leaves running (npm, sh, the launcher or
 * tsx, node…), summed over the process tree, after a warm-up of ~200 requests across the visitor routes, the
 * widget page, tRPC and an event stream; optionally a heap snapshot of the server process, summarised.
 *
 *   npx tsx bench/idle-memory.ts [--dirs /path/to/old/checkout,.] [--rounds 2] [--dialect sqlite|postgresql]
 *                                [--redis] [--instances 1] [--snapshot] [--modules[=only]] [--settle 5,30,90]
 *                                [--launch npm,node] [--reference]
 *
 * `--dirs`: several checkouts (each built) measured alternately, round after round, on fresh databases of the
 * same dialect: a before/after in one run on a shared machine. `--instances 2` starts two `npm start`s on one
 * database (PostgreSQL + Redis: the multi-instance set-up) and reports each. `--snapshot` writes a heap snapshot
 * of the server process (`--heapsnapshot-signal`) and prints its largest constructors. `--modules` prints what each
 * library costs when imported alone into a bare Node.js process (RSS and heap), the candidates for loading on
 * first use. `--settle`: when to measure, in seconds after the warm-up (default 5); several times give a row
 * each (V8's memory reducer collects and compacts the heap of an idle process on its own some 10–20 s after the
 * last allocations, so the figure 5 s after the warm-up is the highest of the process at rest). `--launch`: how the
 * app is started, each measured in turn: `npm` (`npm start`, the default) and `node` (the production start path,
 * `node scripts/start.mjs` with the environment `npm start` sets, as deploy/visitor-chat.service runs it: the same
 * launcher and checks without npm's own process). `--reference`: the smallest Next.js app with what ours serves
 * (bench/reference-next: a page rendered per request and a JSON route handler), built in a temporary directory
 * with the last checkout's node_modules (the same Next.js and React), started the same ways and warmed by as many
 * requests: the floor the framework sets under every figure here.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { freePort } from "../testing/next-server";
import { listenerPid, processTree, startCommand } from "./processes";
import { createTestDatabase } from "../testing/test-database";
import {
  buildReference,
  fmt,
  heapCensus,
  intFlag,
  machineLine,
  parseFlags,
  printTable,
  readHeapNodes,
  request,
} from "./lib";
import type { Dialect } from "~/server/db/database-url";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Started {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  output: () => string;
}

type Launch = "npm" | "node";

/**
 * `npm start` in `dir`, as an operator runs it (the build is fresh, so it does not rebuild), or with `launch`
 * "node" the command npm start runs, started directly (package.json's environment assignments, then node).
 */
async function npmStart(
  dir: string,
  databaseUrl: string,
  env: Record<string, string>,
  launch: Launch = "npm",
): Promise<Started> {
  const port = await freePort();
  let output = "";
  // As an operator starts it: no NODE_ENV (npm start sets it).
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    RATE_LIMITS: "off",
    NEXT_TELEMETRY_DISABLED: "1",
    ...env,
  };
  Reflect.deleteProperty(childEnv, "NODE_ENV");
  const direct = launch === "node" ? startCommand(dir) : undefined;
  const child = direct
    ? spawn(process.execPath, direct.args, {
        cwd: dir,
        env: { ...childEnv, ...direct.env },
        stdio: ["ignore", "pipe", "pipe"],
      })
    : spawn("npm", ["start"], { cwd: dir, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`npm start did not become ready:\n${output}`);
    await sleep(250);
  }
  return { child, baseUrl, port, output: () => output };
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
  const exited = new Promise((resolve) => started.child.once("exit", resolve));
  // The tree as it is now: once npm has exited, what it started (tsx's CLI did not pass SIGTERM on) is no longer
  // its child and would be left running.
  const tree = processTree(started.child.pid!);
  for (const proc of tree.slice(1).reverse()) {
    try {
      process.kill(proc.pid, "SIGTERM");
    } catch {
      // gone
    }
  }
  started.child.kill("SIGTERM");
  await Promise.race([exited, sleep(10_000)]);
  for (const proc of tree) {
    try {
      process.kill(proc.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

/** ~200 requests a visitor's widget makes, plus the page, tRPC and one event stream opened and closed. */
async function warmUp(baseUrl: string): Promise<number> {
  let count = 0;
  let failures = 0;
  const call = async (method: string, route: string, body?: unknown) => {
    const answer = await request(baseUrl, method, route, body);
    count += 1;
    if (answer.status >= 500) failures += 1;
    return answer;
  };
  for (let i = 0; i < 14; i += 1) {
    const visitor = await call("POST", "/api/chats/visitors/", {});
    const visitorId = (visitor.json as { data: { id: string } }).data.id;
    const session = await call("POST", "/api/chats/sessions/", { visitor_id: visitorId });
    const sessionId = (session.json as { data: { id: string } }).data.id;
    await call("POST", "/api/chats/messages/chat/", {
      visitor_id: visitorId,
      session_id: sessionId,
      message: "How do I reset my password?",
    });
    await call("GET", `/api/chats/sessions/${sessionId}/messages/?visitor_id=${visitorId}`);
    await call("GET", `/api/chats/sessions/?visitor_id=${visitorId}`);
    await call("GET", `/api/chats/visitors/${visitorId}/validate/`);
    await call("GET", "/api/chats/widget/");
    await call("POST", "/api/trpc/visitors.create", {});
    await call("GET", "/api/health");
    await call("GET", "/widget");
    await call("GET", "/");
    await call("GET", "/embed.js");
    const controller = new AbortController();
    const stream = await fetch(`${baseUrl}/api/chats/sessions/${sessionId}/events/?visitor_id=${visitorId}`, {
      signal: controller.signal,
    });
    count += 1;
    const reader = stream.body?.getReader();
    await reader?.read();
    controller.abort();
    await reader?.cancel().catch(() => undefined);
    await call("GET", `/api/chats/sessions/${sessionId}/?visitor_id=${visitorId}`);
  }
  if (failures > 0) throw new Error(`${failures} answers were 5xx during the warm-up`);
  return count;
}

/** The reference app's warm-up: as many requests as warmUp's, over its page and its route handler. */
async function warmUpReference(baseUrl: string): Promise<number> {
  let count = 0;
  for (let i = 0; i < 14; i += 1) {
    for (const [method, route, body] of [
      ["GET", "/api/health"],
      ["POST", "/api/health", { visitor_id: randomUUID(), message: "How do I reset my password?" }],
      ["GET", "/"],
      ["POST", "/api/health", {}],
      ["GET", "/api/health"],
      ["GET", "/"],
      ["POST", "/api/health", { i }],
      ["GET", "/api/health"],
      ["GET", "/"],
      ["GET", "/missing"],
      ["POST", "/api/health", { session_id: randomUUID() }],
      ["GET", "/api/health"],
      ["GET", "/"],
      ["GET", "/api/health"],
    ] as [string, string, unknown?][]) {
      const answer = await request(baseUrl, method, route, body);
      if (answer.status >= 500) throw new Error(`${method} ${route}: ${answer.status}`);
      count += 1;
    }
  }
  return count;
}

/** The snapshot's self size by constructor, largest first, then its largest strings. */
function summariseSnapshot(file: string, top = 20): (string | number)[][] {
  const nodes = readHeapNodes(file);
  const { byKey, total } = heapCensus(nodes, ({ type, name }) =>
    type === "object" || type === "native" ? `${type}: ${name.slice(0, 60)}` : `(${type})`,
  );
  const rows = [...byKey.entries()]
    .sort((a, b) => b[1].size - a[1].size)
    .slice(0, top)
    .map(([key, { size, count }]) => [key, count, fmt(size / 2 ** 20, 2), `${fmt((100 * size) / total)} %`]);
  // The largest strings, grouped by their first characters: module sources (a file's text is kept as a
  // string), embedded WebAssembly in base64, catalogues…
  const strings = heapCensus(
    nodes.filter((node) => node.type === "string" && node.size >= 256 * 1024),
    ({ name }) => JSON.stringify(name.slice(0, 70).replace(/\s+/g, " ")),
  ).byKey;
  const largest = [...strings.entries()]
    .sort((a, b) => b[1].size - a[1].size)
    .slice(0, top)
    .map(([key, { size, count }]) => [
      `string ${key}`,
      count,
      fmt(size / 2 ** 20, 2),
      `${fmt((100 * size) / total)} %`,
    ]);
  return [["(total)", nodes.length, fmt(total / 2 ** 20, 2), "100 %"], ...rows, ...largest];
}

async function takeSnapshot(pid: number, cwd: string): Promise<string> {
  const before = new Set(readdirSync(cwd).filter((name) => name.endsWith(".heapsnapshot")));
  process.kill(pid, "SIGUSR2");
  for (let waited = 0; waited < 120_000; waited += 500) {
    await sleep(500);
    const made = readdirSync(cwd).find((name) => name.endsWith(".heapsnapshot") && !before.has(name));
    if (made) {
      // Written in pieces: complete once its size holds still for a few seconds and it ends its JSON.
      const file = path.join(cwd, made);
      const size = statSync(file).size;
      await sleep(3000);
      if (statSync(file).size === size && readFileSync(file, "utf8").trimEnd().endsWith("}")) return file;
    }
  }
  throw new Error("no heap snapshot written");
}

/** What importing each library alone costs a bare Node.js process. */
function moduleCosts(dir: string): (string | number)[][] {
  const candidates: [string, string][] = [
    ["@prisma/client runtime + PostgreSQL client", "./src/generated/prisma-postgresql/client.ts"],
    ["@prisma/client runtime + SQLite client", "./src/generated/prisma-sqlite/client.ts"],
    ["ai + @ai-sdk/openai-compatible", "ai;@ai-sdk/openai-compatible"],
    ["linkedom", "linkedom"],
    ["@mozilla/readability", "@mozilla/readability"],
    ["turndown", "turndown"],
    ["unpdf", "unpdf"],
    ["minisearch", "minisearch"],
    ["prom-client", "prom-client"],
    ["pino", "pino"],
    ["pino-pretty", "pino-pretty"],
    ["better-auth", "better-auth"],
    ["ioredis", "ioredis"],
    ["zod", "zod"],
    ["@trpc/server", "@trpc/server"],
    ["trpc-to-openapi", "trpc-to-openapi"],
    ["next (server)", "next/dist/server/next-server.js"],
    ["tsx (loader)", "tsx/esm/api"],
  ];
  const probe = (specifiers: string) => `
    const collect = () => { global.gc(); global.gc(); };
    collect();
    const before = process.memoryUsage();
    const names = ${JSON.stringify(specifiers)}.split(";");
    Promise.all(names.map((name) => import(name.startsWith(".") ? require("node:path").resolve(name) : name))).then((mods) => {
      collect();
      const after = process.memoryUsage();
      console.log(JSON.stringify({ rss: after.rss - before.rss, heap: after.heapUsed - before.heapUsed, external: after.external - before.external }));
      void mods;
    });`;
  const rows: (string | number)[][] = [];
  for (const [label, specifiers] of candidates) {
    try {
      const usesTs = specifiers.endsWith(".ts");
      const out = execFileSync(
        process.execPath,
        [...(usesTs ? ["--import", "tsx"] : []), "--expose-gc", "-e", probe(specifiers)],
        { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
      const { rss, heap, external } = JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, number>;
      rows.push([label, fmt(rss! / 2 ** 20), fmt(heap! / 2 ** 20), fmt(external! / 2 ** 20)]);
    } catch (error) {
      rows.push([label, "n/a", "n/a", String(error).slice(0, 60)]);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const dirs = (flags.dirs ?? ".").split(",").map((dir) => path.resolve(dir));
  const rounds = intFlag(flags, "rounds", 1);
  const instances = intFlag(flags, "instances", 1);
  const dialect = (flags.dialect ?? "sqlite") as Dialect;
  const redis = "redis" in flags;
  const settle = (flags.settle ?? "5").split(",").map(Number);
  const launches = (flags.launch ?? "npm").split(",") as Launch[];
  if (launches.some((launch) => launch !== "npm" && launch !== "node"))
    throw new Error("--launch: npm, node or npm,node");
  if (settle.some((seconds, index) => !(seconds >= 0) || (index > 0 && seconds <= settle[index - 1]!)))
    throw new Error("--settle: increasing numbers of seconds, e.g. 5,30,90");
  for (const dir of dirs)
    if (!existsSync(path.join(dir, ".next", "BUILD_ID"))) throw new Error(`${dir}: no build (npm run build)`);
  const reference = "reference" in flags ? buildReference(dirs.at(-1)!) : undefined;
  if (reference) dirs.push(reference);
  const label = (dir: string) => (dir === reference ? "Next.js alone" : path.basename(dir));
  console.log(machineLine());

  if ("modules" in flags) {
    printTable(
      "A library imported alone into a bare Node.js process (after GC)",
      ["library", "RSS + (MB)", "heap + (MB)", "external + (MB)"],
      moduleCosts(dirs.at(-1)!),
    );
    if (flags.modules === "only") return;
  }

  const rows: (string | number)[][] = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const [dir, launch] of dirs.flatMap((dir) => launches.map((launch) => [dir, launch] as const))) {
      const database = await createTestDatabase(dialect);
      const env: Record<string, string> = {
        ...(redis ? { REDIS_URL: "redis://127.0.0.1:6379" } : {}),
        ...("snapshot" in flags ? { NODE_OPTIONS: "--heapsnapshot-signal=SIGUSR2" } : {}),
      };
      const started: Started[] = [];
      try {
        for (let i = 0; i < instances; i += 1) started.push(await npmStart(dir, database.url, env, launch));
        for (const instance of started) {
          const requests =
            dir === reference ? await warmUpReference(instance.baseUrl) : await warmUp(instance.baseUrl);
          const warmedAt = Date.now();
          let server: ReturnType<typeof processTree>[number] | undefined;
          for (const seconds of settle) {
            await sleep(warmedAt + seconds * 1000 - Date.now());
            const tree = processTree(instance.child.pid!);
            server = tree.find((proc) => proc.pid === listenerPid(instance.port));
            const sum = tree.reduce((total, proc) => total + proc.rssMb, 0);
            const pss = tree.reduce((total, proc) => total + proc.pssMb, 0);
            rows.push([
              round,
              `${label(dir)}${launches.length > 1 ? ` (${launch})` : ""}`,
              `${dialect}${redis ? " + Redis" : ""}${instances > 1 ? ` (instance ${started.indexOf(instance) + 1}/${instances})` : ""}`,
              requests,
              seconds,
              tree.map((proc) => `${proc.command} ${fmt(proc.rssMb)}`).join("; "),
              fmt(server?.rssMb ?? 0),
              fmt(sum),
              fmt(pss),
            ]);
            console.log(rows.at(-1)!.join(" | "));
          }
          const output = instance.output();
          const firstLine = output.split("\n").find((line) => line.trim() !== "") ?? "";
          const jsonLines = output
            .split("\n")
            .filter((line) => line.startsWith("{"))
            .every((line) => {
              try {
                JSON.parse(line);
                return true;
              } catch {
                return false;
              }
            });
          console.log(
            `  log: first line ${JSON.stringify(firstLine.slice(0, 100))}; JSON lines parse: ${jsonLines}`,
          );
          if ("snapshot" in flags && round === rounds && server) {
            const file = await takeSnapshot(server.pid, dir);
            printTable(
              `Heap snapshot of ${label(dir)}'s server (pid ${server.pid}): self size by constructor`,
              ["constructor / node type", "count", "MB", "share"],
              summariseSnapshot(file),
            );
            rmSync(file);
          }
        }
      } finally {
        for (const instance of started) await stop(instance);
        await database.drop();
      }
    }
  }
  printTable(
    `The app at rest after the warm-up: every process of the app (npm start, or node alone with --launch node) (${dialect}${redis ? ", Redis" : ""})`,
    [
      "round",
      "checkout",
      "database",
      "requests",
      "after (s)",
      "processes (RSS MB)",
      "server RSS (MB)",
      "RSS sum (MB)",
      "PSS sum (MB)",
    ],
    rows,
  );
  if (reference) rmSync(reference, { recursive: true, force: true });
  console.log(`run id ${randomUUID().slice(0, 8)} · ${machineLine()}`);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
