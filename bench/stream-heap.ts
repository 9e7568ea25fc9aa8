/**
 * What one open conversation event stream holds in the server (issue 24): a heap snapshot of the server with no
 * stream open and one with `--streams` open, the difference grouped by constructor (objects and bytes per
 * stream), and the resident memory per stream beside it (what the heap does not explain is native: sockets,
 * buffers, malloc).
 *
 *   bash -c 'ulimit -n 20000; npx tsx bench/stream-heap.ts [--streams 2000] [--dirs old,new] [--top 40]'
 *
 * Each server is started as its package.json's `npm start` starts it (without npm), with
 * `--heapsnapshot-signal=SIGUSR2`; the snapshots (written by the server in its checkout, a forced GC first) are
 * deleted once read.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { openDatabase } from "~/server/db/client";
import { freePort } from "../testing/next-server";
import { openSse, type SseReader } from "../testing/sse";
import { createTestDatabase } from "../testing/test-database";
import { processTree, startCommand } from "./processes";
import {
  fmt,
  heapCensus,
  intFlag,
  machineLine,
  parseFlags,
  printTable,
  readHeapNodes,
  waitForHealth,
} from "./lib";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Server {
  child: ChildProcess;
  baseUrl: string;
}

async function start(dir: string, databaseUrl: string): Promise<Server> {
  const port = await freePort();
  const launcher = startCommand(dir);
  let output = "";
  const child = spawn(process.execPath, ["--heapsnapshot-signal=SIGUSR2", ...launcher.args, "--no-build"], {
    cwd: dir,
    env: {
      ...process.env,
      ...launcher.env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      RATE_LIMITS: "off",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(child, baseUrl, () => output);
  return { child, baseUrl };
}

type Census = Map<string, { size: number; count: number }>;

/** Self size and count by constructor (objects), by type otherwise (strings, closures' code, arrays …). */
function census(file: string): { byKey: Census; total: number } {
  return heapCensus(readHeapNodes(file), ({ type, name }) =>
    type === "object" || type === "native" || type === "closure"
      ? `${type}: ${name.slice(0, 70)}`
      : `(${type})`,
  );
}

async function snapshotOf(pid: number, cwd: string): Promise<{ byKey: Census; total: number }> {
  const before = new Set(readdirSync(cwd).filter((name) => name.endsWith(".heapsnapshot")));
  process.kill(pid, "SIGUSR2");
  for (let waited = 0; waited < 180_000; waited += 500) {
    await sleep(500);
    const made = readdirSync(cwd).find((name) => name.endsWith(".heapsnapshot") && !before.has(name));
    if (!made) continue;
    const file = path.join(cwd, made);
    const size = statSync(file).size;
    await sleep(2000);
    if (statSync(file).size !== size || !readFileSync(file, "utf8").trimEnd().endsWith("}")) continue;
    try {
      return census(file);
    } finally {
      rmSync(file, { force: true });
    }
  }
  throw new Error("no heap snapshot written");
}

async function measure(dir: string, count: number, top: number) {
  const testDatabase = await createTestDatabase("sqlite");
  const database = await openDatabase(testDatabase.url);
  const server = await start(dir, testDatabase.url);
  const streams: SseReader[] = [];
  try {
    const visitorId = randomUUID();
    await database.db.visitor.create({ data: { id: visitorId, metadata: {} } });
    const sessionIds = Array.from({ length: count }, () => randomUUID());
    for (let i = 0; i < count; i += 1000)
      await database.db.session.createMany({
        data: sessionIds.slice(i, i + 1000).map((id) => ({ id, visitor_id: visitorId })),
      });
    const url = (id: string) => `${server.baseUrl}/api/chats/sessions/${id}/events/?visitor_id=${visitorId}`;
    // Warm the route (its modules load on first use), then the baseline.
    for (let i = 0; i < 20; i += 1) await (await openSse(url(sessionIds[i]!))).close();
    await sleep(2000);
    const rss = () => processTree(server.child.pid!).reduce((sum, proc) => sum + proc.rssMb, 0);
    const idle = await snapshotOf(server.child.pid!, dir);
    const idleRss = rss();
    for (let i = 0; i < count; i += 200)
      streams.push(...(await Promise.all(sessionIds.slice(i, i + 200).map((id) => openSse(url(id))))));
    await sleep(3000);
    const openRss = rss();
    const open = await snapshotOf(server.child.pid!, dir);
    const rows = [...new Set([...idle.byKey.keys(), ...open.byKey.keys()])]
      .map((key) => {
        const a = idle.byKey.get(key) ?? { size: 0, count: 0 };
        const b = open.byKey.get(key) ?? { size: 0, count: 0 };
        return { key, size: b.size - a.size, count: b.count - a.count };
      })
      .sort((x, y) => y.size - x.size)
      .slice(0, top)
      .map(({ key, size, count: objects }) => [
        key,
        fmt(objects / count, 2),
        fmt(size / count, 0),
        `${fmt((100 * size) / Math.max(1, open.total - idle.total))} %`,
      ]);
    const heapKb = (open.total - idle.total) / 1024 / count;
    const rssKb = ((openRss - idleRss) * 1024) / count;
    return {
      summary: [
        path.basename(path.resolve(dir)),
        count,
        fmt(idle.total / 2 ** 20),
        fmt(open.total / 2 ** 20),
        fmt(heapKb),
        fmt(idleRss),
        fmt(openRss),
        fmt(rssKb),
        fmt(rssKb - heapKb),
      ],
      rows,
    };
  } finally {
    await Promise.all(streams.map((stream) => stream.close()));
    server.child.kill("SIGTERM");
    await database.close();
    await testDatabase.drop();
  }
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const count = intFlag(flags, "streams", 2000);
  const top = intFlag(flags, "top", 40);
  const dirs = (flags.dirs ?? ".").split(",");
  console.log(machineLine());
  const summaries: (string | number)[][] = [];
  for (const dir of dirs) {
    const { summary, rows } = await measure(dir, count, top);
    summaries.push(summary);
    printTable(
      `${dir}: the heap's growth with ${count} streams open, per stream`,
      ["constructor / type", "objects", "bytes", "share"],
      rows,
    );
  }
  printTable(
    "Per stream: heap (snapshot totals) and resident memory",
    [
      "checkout",
      "streams",
      "heap idle MB",
      "heap open MB",
      "heap KB/stream",
      "RSS idle MB",
      "RSS open MB",
      "RSS KB/stream",
      "outside heap KB/stream",
    ],
    summaries,
  );
  console.log(machineLine());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
