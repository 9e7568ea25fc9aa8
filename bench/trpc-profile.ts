/**
 * A CPU profile of one `npm start` server under alternating phases of load (autocannon), split by phase: where a
 * tRPC `visitors.create` spends its server CPU compared with the tRPC 404 (no procedure, no database), the floor
 * of issue 24 item 4. The server runs with `--cpu-prof`; each sample is assigned to the phase it fell in
 * (V8's profile clock and `process.hrtime` are the same monotonic clock) and to the first owner found up its stack.
 *
 *   npx tsx bench/trpc-profile.ts [--dialect sqlite|postgresql] [--connections 10] [--duration 8] [--rounds 2]
 *     [--targets create,404,chat] [--top 25] [--interval 1000 (µs)] [--port 4300] [--dir .]
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import type { Dialect } from "~/server/db/database-url";
import { startServer } from "../testing/next-server";
import { createTestDatabase } from "../testing/test-database";
import { fmt, intFlag, machineLine, parseFlags, printTable } from "./lib";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

function drive(url: string, body: string, connections: number, duration: number, bodies?: string[]) {
  let next = 0;
  return new Promise<number>((resolve, reject) =>
    autocannon(
      {
        url,
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        connections,
        duration,
        ...(bodies && {
          setupClient: (client: { setBody(body: string): void }) =>
            client.setBody(bodies[next++ % bodies.length]!),
        }),
      },
      (error, result) => (error ? reject(error) : resolve(result.requests.total)),
    ),
  );
}

/** The owner of a frame: the package or part of the app it belongs to. */
function ownerOf(frame: ProfileNode["callFrame"]): string | undefined {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(idle)") return "idle";
    if (functionName === "(program)") return "program";
    return undefined;
  }
  if (url.startsWith("node:")) return undefined; // keep climbing: who called into Node
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) {
    const name = match[1]!;
    if (name === "next") {
      if (url.includes("/compiled/")) return "next (compiled deps)";
      return "next";
    }
    return name;
  }
  if (url.includes("/.next/server/chunks/")) return "app chunks";
  if (url.includes("/.next/server/")) return "app route bundles";
  if (url.includes("start.cjs")) return "start.cjs";
  return url.split("/").slice(-2).join("/");
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const dialect = (flags.dialect ?? "sqlite") as Dialect;
  const connections = intFlag(flags, "connections", 10);
  const duration = intFlag(flags, "duration", 8);
  const rounds = intFlag(flags, "rounds", 2);
  const top = intFlag(flags, "top", 25);
  const names = (flags.targets ?? "create,404").split(",");
  console.log(
    `trpc profile on ${dialect}, ${connections} connections, ${duration} s × ${rounds} rounds · ${machineLine()}`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), "trpc-prof-"));
  const database = await createTestDatabase(dialect);
  const phases: { name: string; from: number; to: number; requests: number }[] = [];
  try {
    const server = await startServer({
      cwd: flags.dir ?? ".",
      port: flags.port === undefined ? undefined : intFlag(flags, "port", 0),
      databaseUrl: database.url,
      nodeArgs: [
        "--cpu-prof",
        `--cpu-prof-dir=${dir}`,
        `--cpu-prof-interval=${intFlag(flags, "interval", 1000)}`,
      ],
      env: { RATE_LIMITS: "off", KNOWLEDGE_STREAM_DELAY_MS: "0" },
    });
    const body = JSON.stringify({ metadata: { locale: "en-GB", page: "/pricing" } });
    const post = async (procedure: string, input: unknown) => {
      const response = await fetch(`${server.baseUrl}/api/trpc/${procedure}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
      });
      return ((await response.json()) as { result: { data: { id: string } } }).result.data;
    };
    const bodies: string[] = [];
    if (names.includes("chat"))
      for (let index = 0; index < connections; index++) {
        const visitor = await post("visitors.create", {});
        const session = await post("sessions.create", { visitor_id: visitor.id });
        bodies.push(
          JSON.stringify({
            message: "How do I embed the widget?",
            session_id: session.id,
            visitor_id: visitor.id,
          }),
        );
      }
    const targets: Record<string, { url: string; bodies?: string[] }> = {
      create: { url: `${server.baseUrl}/api/trpc/visitors.create` },
      404: { url: `${server.baseUrl}/api/trpc/visitors.nothing` },
      rest: { url: `${server.baseUrl}/api/chats/visitors/` },
      chat: { url: `${server.baseUrl}/api/trpc/messages.chat`, bodies },
    };
    for (const name of names) await drive(targets[name]!.url, body, connections, 3, targets[name]!.bodies);
    for (let round = 0; round < rounds; round++)
      for (const name of names) {
        const from = nowUs();
        const requests = await drive(targets[name]!.url, body, connections, duration, targets[name]!.bodies);
        phases.push({ name, from, to: nowUs(), requests });
      }
    await server.stop(30_000);
  } finally {
    await database.drop();
  }
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no profile in ${dir}`);
  const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const ownerCache = new Map<number, string>();
  const owner = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached) return cached;
    let current: number | undefined = id;
    let found = "node internals";
    while (current !== undefined) {
      const owned = ownerOf(byId.get(current)!.callFrame);
      if (owned) {
        found = owned;
        break;
      }
      current = parent.get(current);
    }
    ownerCache.set(id, found);
    return found;
  };
  const selfName = (id: number) => {
    const frame = byId.get(id)!.callFrame;
    return `${frame.functionName || "(anon)"} ${frame.url.replace(/^.*node_modules\//, "").replace(/^.*\.next\//, ".next/")}:${frame.lineNumber}`;
  };
  // Per phase name: µs per owner and per self function.
  const owners = new Map<string, Map<string, number>>();
  const selves = new Map<string, Map<string, number>>();
  const requests = new Map<string, number>();
  for (const phase of phases) requests.set(phase.name, (requests.get(phase.name) ?? 0) + phase.requests);
  let time = profile.startTime;
  for (const [index, sample] of profile.samples.entries()) {
    time += profile.timeDeltas[index]!;
    const phase = phases.find((candidate) => time >= candidate.from && time < candidate.to);
    if (!phase) continue;
    const delta = profile.timeDeltas[index + 1] ?? 0;
    const o = owner(sample);
    if (o === "idle") continue;
    const ownerMap = owners.get(phase.name) ?? new Map<string, number>();
    owners.set(phase.name, ownerMap);
    ownerMap.set(o, (ownerMap.get(o) ?? 0) + delta);
    const selfMap = selves.get(phase.name) ?? new Map<string, number>();
    selves.set(phase.name, selfMap);
    const s = selfName(sample);
    selfMap.set(s, (selfMap.get(s) ?? 0) + delta);
  }
  const perReq = (name: string, map: Map<string, number> | undefined, key: string) =>
    (map?.get(key) ?? 0) / (requests.get(name) ?? 1);
  const allOwners = new Set<string>();
  for (const map of owners.values()) for (const key of map.keys()) allOwners.add(key);
  const rows = [...allOwners]
    .map((key) => [key, ...names.map((name) => perReq(name, owners.get(name), key))] as const)
    .sort((a, b) => (b[1] as number) - (a[1] as number));
  const totals = names.map(
    (name) => [...(owners.get(name)?.values() ?? [])].reduce((a, b) => a + b, 0) / (requests.get(name) ?? 1),
  );
  printTable(
    "CPU µs per request by owner (first owner up the stack; idle excluded)",
    ["owner", ...names],
    [
      ...rows.map(([key, ...values]) => [key, ...values.map((value) => fmt(value as number, 0))]),
      ["total", ...totals.map((v) => fmt(v, 0))],
    ],
  );
  for (const name of names) {
    const map = selves.get(name)!;
    const list = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
    printTable(
      `${name}: top self time, µs per request (${requests.get(name)} requests)`,
      ["function", "µs/req"],
      list.map(([key, value]) => [key, fmt(value / (requests.get(name) ?? 1), 1)]),
    );
  }
  if (names.length >= 2) {
    // What the first target spends above the second, function by function (self time).
    const [a, b] = [names[0]!, names[1]!];
    const keys = new Set([...(selves.get(a)?.keys() ?? []), ...(selves.get(b)?.keys() ?? [])]);
    const diff = [...keys]
      .map((key) => [key, perReq(a, selves.get(a), key) - perReq(b, selves.get(b), key)] as const)
      .sort((x, y) => y[1] - x[1])
      .slice(0, top);
    printTable(
      `${a} − ${b}: self time above, µs per request`,
      ["function", "µs/req"],
      diff.map(([key, value]) => [key, fmt(value, 1)]),
    );
    // Inclusive time of each function (a sample counts once per function on its stack), the first target.
    const inclusive = new Map<string, number>();
    let at = profile.startTime;
    for (const [index, sample] of profile.samples.entries()) {
      at += profile.timeDeltas[index]!;
      const phase = phases.find((candidate) => at >= candidate.from && at < candidate.to);
      if (phase?.name !== a) continue;
      const delta = profile.timeDeltas[index + 1] ?? 0;
      const seen = new Set<string>();
      for (let current: number | undefined = sample; current !== undefined; current = parent.get(current)) {
        const frame = byId.get(current)!.callFrame;
        if (!frame.url || frame.url.startsWith("node:")) continue;
        const key = selfName(current);
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
      }
    }
    printTable(
      `${a}: inclusive time of app code (.next chunks) and tRPC, µs per request`,
      ["function", "µs/req"],
      [...inclusive.entries()]
        .filter(([key]) => key.includes(".next/") || key.includes("@trpc") || key.includes("zod"))
        .sort((x, y) => y[1] - x[1])
        .slice(0, top * 2)
        .map(([key, value]) => [key, fmt(value / (requests.get(a) ?? 1), 1)]),
    );
  }
  console.log(`profile: ${path.join(dir, file)}`);
}

void main();
