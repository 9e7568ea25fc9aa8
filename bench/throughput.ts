/**
 * Throughput ratios, side by side in one run on one database (autocannon, same connections and duration):
 *   - POST /api/chats/visitors/ on `next start` vs a bare node:http server doing the same Prisma insert;
 *   - tRPC `visitors.create` vs the REST endpoint, both on `next start`;
 *   - both against the framework floor, `GET /api/health` (no proxy, no database) on the same server:
 *     REST create / tRPC create (target ≥ 0.90) and tRPC create / health (target ≥ 0.60).
 *
 *   npx tsx bench/throughput.ts [--dialect postgresql|sqlite] [--connections 10] [--duration 10] [--rounds 2]
 *
 * Rounds alternate the targets (bare, REST, tRPC, health, …) so drifting machine load hits all of them alike.
 */
import { spawn } from "node:child_process";
import autocannon from "autocannon";
import type { Dialect } from "~/server/db/database-url";
import { freePort, startServer } from "../testing/next-server";
import { createTestDatabase } from "../testing/test-database";
import { fmt, intFlag, machineLine, parseFlags, percentile, printTable } from "./lib";

interface Target {
  name: string;
  url: string;
  body: string;
  method?: "GET" | "POST";
  /** A no-database request (unknown route → 404): the framework's own per-request floor. */
  floor?: boolean;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function run(target: Target, connections: number, duration: number): Promise<Sample> {
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
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        });
      },
    );
  });
}

async function startBare(databaseUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
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

async function main(): Promise<void> {
  const flags = parseFlags();
  const dialect = (flags.dialect ?? "postgresql") as Dialect;
  const connections = intFlag(flags, "connections", 10);
  const duration = intFlag(flags, "duration", 10);
  const rounds = intFlag(flags, "rounds", 3);
  console.log(
    `throughput on ${dialect}, ${connections} connections, ${duration} s × ${rounds} rounds · ${machineLine()}`,
  );

  const testDatabase = await createTestDatabase(dialect);
  const next = await startServer({ databaseUrl: testDatabase.url, env: { RATE_LIMITS: "off" } });
  const bare = await startBare(testDatabase.url);
  const body = JSON.stringify({ metadata: { locale: "en-GB", page: "/pricing" } });
  const targets: Target[] = [
    { name: "bare node:http + Prisma", url: bare.url, body },
    { name: "REST POST /api/chats/visitors/", url: `${next.baseUrl}/api/chats/visitors/`, body },
    { name: "tRPC visitors.create", url: `${next.baseUrl}/api/trpc/visitors.create`, body },
  ];
  targets.push({
    name: "floor: GET /api/health, no DB",
    url: `${next.baseUrl}/api/health`,
    body,
    method: "GET",
    floor: true,
  });
  if (flags.floor !== "false") {
    targets.push(
      { name: "floor: bare 404, no DB", url: bare.url.replace("/visitors", "/nothing"), body, floor: true },
      { name: "floor: REST 404, no DB", url: `${next.baseUrl}/api/chats/nothing/`, body, floor: true },
      // The same POST to a procedure that does not exist: Next.js' route handling of a POST with a body plus
      // tRPC's fetch adapter, no procedure and no database — what any tRPC call costs before its own work.
      { name: "floor: tRPC 404, no DB", url: `${next.baseUrl}/api/trpc/visitors.nothing`, body, floor: true },
    );
  }
  const samples = new Map<string, Sample[]>(targets.map((target) => [target.name, []]));
  try {
    for (const target of targets) await run(target, connections, 2); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) samples.get(target.name)?.push(await run(target, connections, duration));
    }
  } finally {
    await bare.stop();
    await next.stop();
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
      non2xx: list.reduce((sum, sample) => sum + sample.non2xx, 0),
      errors: list.reduce((sum, sample) => sum + sample.errors, 0),
    };
  });
  printTable(
    `POST visitor throughput on ${dialect} (${connections} connections)`,
    ["target", "req/s mean", "req/s best", "per round", "p50 ms", "p99 ms", "non-2xx", "errors"],
    summary.map((row) => [
      row.name,
      fmt(row.rps, 0),
      fmt(row.best, 0),
      row.perRound,
      fmt(row.p50),
      fmt(row.p99),
      row.name.includes("404") ? `${row.non2xx} (404s, expected)` : row.non2xx,
      row.errors,
    ]),
  );
  // Each round runs the targets back to back, so a per-round ratio compares runs under the same machine load
  // (the machine is shared); the median of those is the figure, the mean-based one is printed beside it.
  const roundsOf = (name: string) => samples.get(name)?.map((sample) => sample.rps) ?? [];
  const [bareRps, restRps, trpcRps] = targets.map((target) => roundsOf(target.name));
  const median = (values: number[]) => percentile(values, 50);
  const perRound = (a: number[] = [], b: number[] = []) => a.map((value, index) => value / (b[index] ?? NaN));
  const restVsBare = perRound(restRps, bareRps);
  const trpcVsRest = perRound(trpcRps, restRps);
  const pct = (values: number[]) => values.map((value) => `${fmt(value * 100)} %`).join(" / ");
  const [bareRow, restRow, trpcRow] = summary;
  const healthRps = roundsOf("floor: GET /api/health, no DB");
  const restVsTrpc = perRound(restRps, trpcRps);
  const trpcVsHealth = perRound(trpcRps, healthRps);
  const ratio = (values: number[]) => values.map((value) => fmt(value, 2)).join(" / ");
  console.log(
    `\nREST create / tRPC create per round: ${ratio(restVsTrpc)} → median ${fmt(median(restVsTrpc), 2)} (target ≥ 0.90): ${median(restVsTrpc) >= 0.9 ? "PASS" : "MISS"}`,
  );
  console.log(
    `tRPC create / health floor per round: ${ratio(trpcVsHealth)} → median ${fmt(median(trpcVsHealth), 2)} (target ≥ 0.60): ${median(trpcVsHealth) >= 0.6 ? "PASS" : "MISS"}`,
  );
  const trpcFloorRps = roundsOf("floor: tRPC 404, no DB");
  if (trpcFloorRps.length > 0) {
    const floorVsHealth = perRound(trpcFloorRps, healthRps);
    const createVsFloor = perRound(trpcRps, trpcFloorRps);
    console.log(
      `tRPC 404 (no procedure, no DB) / health floor per round: ${ratio(floorVsHealth)} → median ${fmt(median(floorVsHealth), 2)}; tRPC create / tRPC 404 per round: ${ratio(createVsFloor)} → median ${fmt(median(createVsFloor), 2)}`,
    );
  }
  console.log(
    `\nREST / bare per round: ${pct(restVsBare)} → median ${fmt(median(restVsBare) * 100)} % (of means ${fmt(((restRow?.rps ?? 0) / (bareRow?.rps ?? 1)) * 100)} %; target ≥ 50 %): ${median(restVsBare) >= 0.5 ? "PASS" : "MISS"}`,
  );
  console.log(
    `tRPC / REST per round: ${pct(trpcVsRest)} → median ${fmt(median(trpcVsRest) * 100)} % (of means ${fmt(((trpcRow?.rps ?? 0) / (restRow?.rps ?? 1)) * 100)} %; target within ±10 %): ${Math.abs(median(trpcVsRest) - 1) <= 0.1 ? "PASS" : "MISS"}`,
  );
}

void main();
