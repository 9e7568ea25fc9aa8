/**
 * Throughput ratios, side by side in one run on one database (autocannon, same connections and duration):
 *   - POST /api/chats/visitors/ on `next start` vs a bare node:http server doing the same Prisma insert;
 *   - tRPC `visitors.create` vs the REST endpoint, both on `next start`;
 *   - both against the framework floor, `GET /api/health` (no proxy, no database) on the same server:
 *     REST create / tRPC create (target ≥ 0.90) and tRPC create / health (target ≥ 0.60).
 *
 *   - with `--chat`, tRPC `messages.chat` too (one session per connection, the knowledge responder without its
 *     streaming delay), against the same floor as `visitors.create`: the tRPC 404 (no procedure, no database).
 *
 *   npx tsx bench/throughput.ts [--dialect postgresql|sqlite] [--connections 10] [--duration 10] [--rounds 2]
 *     [--chat] [--dirs /path/to/before,.] [--node-args '|--max-semi-space-size=1'] [--port-base 4300] [--reference]
 *
 *   - with `--reference`, bench/reference-next too, built with this checkout's node_modules: the smallest tRPC
 *     `visitors.create` inside a Next.js route handler (zod input and output, one prepared better-sqlite3 insert, no
 *     middleware, context or ORM) and its own tRPC 404, alternated with the app's targets: how close to its floor
 *     the textbook version of the same call gets on the same stack, beside the app's ratio.
 *
 * Rounds alternate the targets (bare, REST, tRPC, health, …) so drifting machine load hits all of them alike.
 * `--dirs`: several checkouts (each built), one server each on the same database, their targets alternated in
 * every round (a before/after pair measured under the same load); ratios are printed per checkout.
 * `--node-args`: Node.js flags per server, `|` between the servers of `--dirs` (in order): e.g.
 * `--dirs .,. --node-args '|--max-semi-space-size=1'` runs one build twice, without and with a V8 flag; a
 * `NAME=value` word is an environment variable of that server (`MALLOC_ARENA_MAX=2 …`, as `npm start` sets).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import type { Dialect } from "~/server/db/database-url";
import { freePort, startServer, type RunningServer } from "../testing/next-server";
import { createTestDatabase } from "../testing/test-database";
import { listenerPid } from "./processes";
import { buildReference, fmt, intFlag, machineLine, parseFlags, percentile, printTable } from "./lib";

interface Target {
  name: string;
  url: string;
  body: string;
  method?: "GET" | "POST";
  /** A no-database request (unknown route → 404): the framework's own per-request floor. */
  floor?: boolean;
  /** One body per connection (autocannon's clients take them in turn). */
  bodies?: string[];
  /** The server process, whose CPU time per request is measured (Linux). */
  pid?: number;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** The server process's CPU time (user + system) per request, µs; NaN when not measured. */
  cpuUs: number;
}

/**
 * A process's CPU time so far (ms), from /proc (Linux; NaN elsewhere). Under a shared machine's load a server's
 * throughput swings with what else runs, while the CPU it spends per request barely moves: the steadier figure.
 */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime and stime (fields 14 and 15 of the line; 11 and 12 after "pid (comm) "), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

let nextBody = 0;

function run(target: Target, connections: number, duration: number): Promise<Sample> {
  const cpuBefore = cpuMs(target.pid);
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: target.url,
        method: target.method ?? "POST",
        ...(target.method !== "GET" && {
          headers: { "content-type": "application/json" },
          body: target.body,
        }),
        connections,
        duration,
        ...(target.bodies && {
          setupClient: (client: { setBody(body: string): void }) =>
            client.setBody(target.bodies![nextBody++ % target.bodies!.length]!),
        }),
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          cpuUs: ((cpuMs(target.pid) - cpuBefore) * 1000) / result.requests.total,
        });
      },
    );
  });
}

async function startBare(
  databaseUrl: string,
  port?: number,
): Promise<{ url: string; stop: () => Promise<void> }> {
  port ??= await freePort();
  const child = spawn("node_modules/.bin/tsx", ["bench/bare-server.ts"], {
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}/visitors`,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** bench/reference-next built and started (`next start`, production), its own SQLite file in its directory. */
async function startReference(
  checkout: string,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const dir = buildReference(checkout);
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: dir,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        REFERENCE_DB: "reference.db",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 200) {
    if (child.exitCode !== null) throw new Error(`the reference app exited (${child.exitCode})`);
    if (waited > 30_000) throw new Error("the reference app did not become ready");
    const ready = await fetch(`${url}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The process that listens: its CPU time is the figure (found by its socket).
  const pid = listenerPid(port);
  return {
    url,
    pid,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

/** A tRPC mutation's `result.data` (the bench's set-up calls). */
async function trpcMutation(baseUrl: string, path: string, input: unknown): Promise<{ id: string }> {
  const response = await fetch(`${baseUrl}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  const json = (await response.json()) as { result?: { data?: { id: string } } };
  if (!response.ok || !json.result?.data)
    throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json.result.data;
}

/** One chat body per connection: a visitor and a session of its own, so no call waits for another's reply. */
async function chatBodies(baseUrl: string, connections: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let index = 0; index < connections; index++) {
    const visitor = await trpcMutation(baseUrl, "visitors.create", {});
    const session = await trpcMutation(baseUrl, "sessions.create", { visitor_id: visitor.id });
    bodies.push(
      JSON.stringify({
        message: "How do I embed the widget?",
        session_id: session.id,
        visitor_id: visitor.id,
      }),
    );
  }
  return bodies;
}

const NAMES = {
  bare: "bare node:http + Prisma",
  rest: "REST POST /api/chats/visitors/",
  trpc: "tRPC visitors.create",
  chat: "tRPC messages.chat",
  health: "floor: GET /api/health, no DB",
  bare404: "floor: bare 404, no DB",
  rest404: "floor: REST 404, no DB",
  trpc404: "floor: tRPC 404, no DB",
  refCreate: "reference: tRPC visitors.create (zod + one insert)",
  ref404: "reference: tRPC 404",
  refHealth: "reference: GET /api/health",
};

async function main(): Promise<void> {
  const flags = parseFlags();
  const dialect = (flags.dialect ?? "postgresql") as Dialect;
  const connections = intFlag(flags, "connections", 10);
  const duration = intFlag(flags, "duration", 10);
  const rounds = intFlag(flags, "rounds", 3);
  const portBase = flags["port-base"] === undefined ? undefined : intFlag(flags, "port-base", 0);
  const dirs = (flags.dirs ?? ".").split(",");
  const serverWords = (flags["node-args"] ?? "").split("|").map((args) => args.split(" ").filter(Boolean));
  const nodeArgs = serverWords.map((words) => words.filter((word) => !/^[A-Z_]+=/.test(word)));
  const serverEnv = serverWords.map((words) =>
    Object.fromEntries(
      words
        .filter((word) => /^[A-Z_]+=/.test(word))
        .map((word) => [word.split("=")[0]!, word.split("=")[1]!]),
    ),
  );
  // A label per checkout: its directory's name ("." is this one), unique.
  const labels = dirs.map((dir, index) =>
    dirs.length > 1
      ? `[${index + 1}:${[path.basename(path.resolve(dir)), ...(serverWords[index] ?? [])].join(" ")}] `
      : "",
  );
  console.log(
    `throughput on ${dialect}, ${connections} connections, ${duration} s × ${rounds} rounds${dirs.length > 1 ? ` · checkouts ${dirs.map((dir, index) => `${labels[index]}${path.resolve(dir)}`).join(", ")}` : ""} · ${machineLine()}`,
  );

  const testDatabase = await createTestDatabase(dialect);
  const servers: RunningServer[] = [];
  let bare: Awaited<ReturnType<typeof startBare>> | undefined;
  let reference: Awaited<ReturnType<typeof startReference>> | undefined;
  const samples = new Map<string, Sample[]>();
  const targets: Target[] = [];
  try {
    for (const [index, dir] of dirs.entries()) {
      servers.push(
        await startServer({
          cwd: dir,
          nodeArgs: nodeArgs[index] ?? [],
          port: portBase === undefined ? undefined : portBase + index,
          databaseUrl: testDatabase.url,
          // No streaming delay: a chat's reply is written as fast as the responder makes it.
          env: { RATE_LIMITS: "off", KNOWLEDGE_STREAM_DELAY_MS: "0", ...serverEnv[index] },
        }),
      );
    }
    bare = await startBare(testDatabase.url, portBase === undefined ? undefined : portBase + dirs.length);
    const body = JSON.stringify({ metadata: { locale: "en-GB", page: "/pricing" } });
    targets.push({ name: NAMES.bare, url: bare.url, body });
    for (const [index, next] of servers.entries()) {
      const label = labels[index];
      targets.push(
        { name: label + NAMES.rest, url: `${next.baseUrl}/api/chats/visitors/`, body },
        { name: label + NAMES.trpc, url: `${next.baseUrl}/api/trpc/visitors.create`, body },
      );
      if (flags.chat !== undefined && flags.chat !== "false") {
        const bodies = await chatBodies(next.baseUrl, connections);
        targets.push({
          name: label + NAMES.chat,
          url: `${next.baseUrl}/api/trpc/messages.chat`,
          body,
          bodies,
        });
      }
      targets.push({
        name: label + NAMES.health,
        url: `${next.baseUrl}/api/health`,
        body,
        method: "GET",
        floor: true,
      });
      if (flags.floor !== "false") {
        targets.push(
          { name: label + NAMES.rest404, url: `${next.baseUrl}/api/chats/nothing/`, body, floor: true },
          // The same POST to a procedure that does not exist: Next.js' route handling of a POST with a body plus
          // tRPC's fetch adapter, no procedure and no database — what any tRPC call costs before its own work.
          {
            name: label + NAMES.trpc404,
            url: `${next.baseUrl}/api/trpc/visitors.nothing`,
            body,
            floor: true,
          },
        );
      }
    }
    for (const target of targets)
      target.pid = servers.find((server) => target.url.startsWith(`${server.baseUrl}/`))?.pid;
    if ("reference" in flags) {
      reference = await startReference(path.resolve(dirs.at(-1)!));
      const { url, pid } = reference;
      targets.push(
        { name: NAMES.refCreate, url: `${url}/api/trpc/visitors.create`, body, pid },
        { name: NAMES.ref404, url: `${url}/api/trpc/visitors.nothing`, body, pid, floor: true },
        { name: NAMES.refHealth, url: `${url}/api/health`, body, method: "GET", pid, floor: true },
      );
    }
    if (flags.floor !== "false")
      targets.splice(1, 0, {
        name: NAMES.bare404,
        url: bare.url.replace("/visitors", "/nothing"),
        body,
        floor: true,
      });
    for (const target of targets) samples.set(target.name, []);
    for (const target of targets) await run(target, connections, 2); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) samples.get(target.name)?.push(await run(target, connections, duration));
    }
  } finally {
    await bare?.stop();
    await reference?.stop();
    for (const server of servers) await server.stop();
    await testDatabase.drop();
  }

  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const summary = targets.map((target) => {
    const list = samples.get(target.name) ?? [];
    return {
      name: target.name,
      rps: mean(list.map((sample) => sample.rps)),
      best: Math.max(...list.map((sample) => sample.rps)),
      perRound: list.map((sample) => fmt(sample.rps, 0)).join(" / "),
      p50: mean(list.map((sample) => sample.p50)),
      p99: mean(list.map((sample) => sample.p99)),
      cpu: list.map((sample) => fmt(sample.cpuUs, 0)).join(" / "),
      non2xx: list.reduce((sum, sample) => sum + sample.non2xx, 0),
      errors: list.reduce((sum, sample) => sum + sample.errors, 0),
    };
  });
  printTable(
    `POST visitor throughput on ${dialect} (${connections} connections)`,
    [
      "target",
      "req/s mean",
      "req/s best",
      "per round",
      "server CPU µs/req per round",
      "p50 ms",
      "p99 ms",
      "non-2xx",
      "errors",
    ],
    summary.map((row) => [
      row.name,
      fmt(row.rps, 0),
      fmt(row.best, 0),
      row.perRound,
      row.cpu,
      fmt(row.p50),
      fmt(row.p99),
      row.name.includes("404") ? `${row.non2xx} (404s, expected)` : row.non2xx,
      row.errors,
    ]),
  );
  // Each round runs the targets back to back, so a per-round ratio compares runs under the same machine load
  // (the machine is shared); the median of those is the figure, the mean-based one is printed beside it.
  const roundsOf = (name: string) => samples.get(name)?.map((sample) => sample.rps) ?? [];
  const median = (values: number[]) => percentile(values, 50);
  const perRound = (a: number[] = [], b: number[] = []) => a.map((value, index) => value / (b[index] ?? NaN));
  const pct = (values: number[]) => values.map((value) => `${fmt(value * 100)} %`).join(" / ");
  const ratio = (values: number[]) => values.map((value) => fmt(value, 2)).join(" / ");
  const meanOf = (name: string) => summary.find((row) => row.name === name)?.rps ?? NaN;
  const bareRps = roundsOf(NAMES.bare);
  for (const label of labels) {
    if (label) console.log(`\n${label.trim()}`);
    const restRps = roundsOf(label + NAMES.rest);
    const trpcRps = roundsOf(label + NAMES.trpc);
    const healthRps = roundsOf(label + NAMES.health);
    const restVsBare = perRound(restRps, bareRps);
    const trpcVsRest = perRound(trpcRps, restRps);
    const restVsTrpc = perRound(restRps, trpcRps);
    const trpcVsHealth = perRound(trpcRps, healthRps);
    console.log(
      `\nREST create / tRPC create per round: ${ratio(restVsTrpc)} → median ${fmt(median(restVsTrpc), 2)} (target ≥ 0.90): ${median(restVsTrpc) >= 0.9 ? "PASS" : "MISS"}`,
    );
    console.log(
      `tRPC create / health floor per round: ${ratio(trpcVsHealth)} → median ${fmt(median(trpcVsHealth), 2)} (target ≥ 0.60): ${median(trpcVsHealth) >= 0.6 ? "PASS" : "MISS"}`,
    );
    const trpcFloorRps = roundsOf(label + NAMES.trpc404);
    if (trpcFloorRps.length > 0) {
      const floorVsHealth = perRound(trpcFloorRps, healthRps);
      const createVsFloor = perRound(trpcRps, trpcFloorRps);
      console.log(
        `tRPC 404 (no procedure, no DB) / health floor per round: ${ratio(floorVsHealth)} → median ${fmt(median(floorVsHealth), 2)}`,
      );
      console.log(
        `tRPC create / tRPC 404 per round: ${ratio(createVsFloor)} → median ${fmt(median(createVsFloor), 2)} (target ≥ 0.85): ${median(createVsFloor) >= 0.85 ? "PASS" : "MISS"}`,
      );
      // The same ratio from the server's CPU time per request (floor's / create's): what throughput would show
      // with the server alone on its core.
      const cpuOf = (name: string) => samples.get(label + name)?.map((sample) => sample.cpuUs) ?? [];
      const byCpu = perRound(cpuOf(NAMES.trpc404), cpuOf(NAMES.trpc));
      console.log(
        `tRPC create / tRPC 404 by server CPU per request (404's µs / create's) per round: ${ratio(byCpu)} → median ${fmt(median(byCpu), 2)} (target ≥ 0.85): ${median(byCpu) >= 0.85 ? "PASS" : "MISS"}`,
      );
      if ("reference" in flags) {
        const cpuOfReference = (name: string) => samples.get(name)?.map((sample) => sample.cpuUs) ?? [];
        const referenceByCpu = perRound(cpuOfReference(NAMES.ref404), cpuOfReference(NAMES.refCreate));
        const referenceByRps = perRound(roundsOf(NAMES.refCreate), roundsOf(NAMES.ref404));
        console.log(
          `reference (zod + one insert, no middleware or ORM): create / its tRPC 404 per round: ${ratio(referenceByRps)} → median ${fmt(median(referenceByRps), 2)}; by server CPU ${ratio(referenceByCpu)} → median ${fmt(median(referenceByCpu), 2)} (the app's target ≥ 0.85)`,
        );
        const floors = perRound(cpuOf(NAMES.trpc404), cpuOfReference(NAMES.ref404));
        const creates = perRound(cpuOf(NAMES.trpc), cpuOfReference(NAMES.refCreate));
        console.log(
          `the app / the reference, server CPU per request: tRPC 404 ${ratio(floors)} → median ${fmt(median(floors), 2)}; tRPC create ${ratio(creates)} → median ${fmt(median(creates), 2)}`,
        );
      }
      const restByCpu = perRound(cpuOf(NAMES.trpc), cpuOf(NAMES.rest));
      console.log(
        `REST create / tRPC create by server CPU per request (tRPC's µs / REST's) per round: ${ratio(restByCpu)} → median ${fmt(median(restByCpu), 2)} (target ≥ 0.90): ${median(restByCpu) >= 0.9 ? "PASS" : "MISS"}`,
      );
      const chatByCpu = perRound(cpuOf(NAMES.trpc404), cpuOf(NAMES.chat));
      if (chatByCpu.length > 0)
        console.log(
          `tRPC messages.chat / tRPC 404 by server CPU per request per round: ${ratio(chatByCpu)} → median ${fmt(median(chatByCpu), 2)}`,
        );
      const chatRps = roundsOf(label + NAMES.chat);
      if (chatRps.length > 0) {
        const chatVsFloor = perRound(chatRps, trpcFloorRps);
        console.log(
          `tRPC messages.chat / tRPC 404 per round: ${ratio(chatVsFloor)} → median ${fmt(median(chatVsFloor), 2)}`,
        );
      }
    }
    console.log(
      `REST / bare per round: ${pct(restVsBare)} → median ${fmt(median(restVsBare) * 100)} % (of means ${fmt((meanOf(label + NAMES.rest) / meanOf(NAMES.bare)) * 100)} %; target ≥ 50 %): ${median(restVsBare) >= 0.5 ? "PASS" : "MISS"}`,
    );
    console.log(
      `tRPC / REST per round: ${pct(trpcVsRest)} → median ${fmt(median(trpcVsRest) * 100)} % (of means ${fmt((meanOf(label + NAMES.trpc) / meanOf(label + NAMES.rest)) * 100)} %; target within ±10 %): ${Math.abs(median(trpcVsRest) - 1) <= 0.1 ? "PASS" : "MISS"}`,
    );
  }
}

void main();
