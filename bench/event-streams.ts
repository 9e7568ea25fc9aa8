/**
 * Conversation event streams (issue 24): what an open stream costs one instance, whether the memory comes back
 * when streams are dropped, and how fast a stored message reaches its follower with many streams open.
 *
 *   bash -c 'ulimit -n 20000; npx tsx bench/event-streams.ts [--streams 10000] [--cycles 3] [--messages 200]
 *            [--concurrency 20] [--dialect sqlite|postgresql] [--redis] [--instances 1|2] [--dirs old,new]
 *            [--trace] [--redis-url redis://127.0.0.1:6379/0] [--rounds 1]'
 *
 * Method: one visitor and `--streams` sessions are inserted directly in the database; the bench process (a
 * separate process from the servers) opens one `GET /api/chats/sessions/{id}/events/` per session, spread over
 * the instances, 200 at a time, and keeps each reading. Memory is the resident memory summed over every process
 * of each server's tree (the launcher and anything it started), read before, with the streams open and after
 * they are dropped, `--cycles` times. Then, with the streams open, `--messages` chat messages are sent
 * (`--concurrency` at a time, POST /api/chats/messages/chat/) to random sessions through the first instance; the
 * follower of that session (on the last instance: through Redis when there are two) stamps the arrival of the
 * message's `message.created`. Its `id:` is the bus sequence, the publisher's clock in µs at publish (after the
 * message was stored), so arrival − id/1000 is "stored → seen by the follower" (bus + SSE write + the client's
 * read, same machine, same clock); arrival − request sent is the whole path with the chat request.
 * `--dirs`: checkouts (each built) measured one after the other in one run: a before/after, `--rounds` times in
 * turn (a, b, a, b…). Each server is started as its package.json's `npm start` starts it (environment, node
 * flags), without npm.
 * `--trace`: where the time of each measured `message.created` goes. The servers load bench/event-trace.mjs
 * (stage stamps of src/server/chat/events/trace.ts: publish called and answered on the publishing instance;
 * received from the channel, parsed, dispatched and written to the SSE body on the follower's), a separate
 * process subscribes to the Redis channel and stamps when Redis delivers it (bench/redis-observer.mjs), and the
 * bench stamps when it reads the frame; each stage's p50/p99 is printed, with the event-loop delay of the bench.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { openDatabase } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import { freePort } from "../testing/next-server";
import { openSse, type SseReader } from "../testing/sse";
import { createTestDatabase } from "../testing/test-database";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { processTree, startCommand } from "./processes";
import { fmt, intFlag, machineLine, parseFlags, percentile, printTable, request, waitForHealth } from "./lib";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Instance {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

/** The server of a checkout as `npm start` runs it there (the launcher, or tsx for a checkout before it). */
async function startIn(dir: string, databaseUrl: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const launcher = startCommand(dir);
  let output = "";
  const child = spawn(process.execPath, [...launcher.args, "--no-build"], {
    cwd: dir,
    env: {
      ...process.env,
      ...launcher.env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      ADMIN_API_KEY: TEST_ADMIN_API_KEY,
      KNOWLEDGE_STREAM_DELAY_MS: "0",
      RATE_LIMITS: "off",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(child, baseUrl, () => output);
  return { child, baseUrl, output: () => output };
}

/**
 * Stage stamps read from a trace file: stage → seq → time (ms). Sequences are per session (the publisher's clock
 * in µs, from whole ms), so two sessions' events of the same millisecond share one: a seq stamped twice at one
 * stage is added to `ambiguous` and left out of the stages (its stamps could be either event's).
 */
function readTrace(file: string, ambiguous: Set<string>): Map<string, Map<string, number>> {
  const stages = new Map<string, Map<string, number>>();
  if (!existsSync(file)) return stages;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const [stage, seq, at] = line.split(" ");
    if (!stage || !seq || !at) continue;
    let bySeq = stages.get(stage);
    if (!bySeq) stages.set(stage, (bySeq = new Map()));
    if (bySeq.has(seq) && stage !== "count") ambiguous.add(seq);
    else bySeq.set(seq, Number(at));
  }
  return stages;
}

/** The stages of a traced run, in order along the path, with the stamp each starts from and ends at. */
const TRACE_STAGES: [label: string, from: string, to: string][] = [
  ["sequence (publisher's clock, ms) → publish called", "seq", "publish"],
  ["publish called → answered (Lua script round trip, publisher)", "publish", "acked"],
  ["publish called → Redis delivered it (observer process)", "publish", "channel"],
  ["Redis delivered → received on the follower's instance", "channel", "received"],
  ["received → parsed", "received", "parsed"],
  ["parsed → dispatched to followers", "parsed", "dispatched"],
  ["dispatched → written to the SSE body", "dispatched", "written"],
  ["written → read by the bench", "written", "seen"],
  ["sequence → read by the bench (stored→seen)", "seq", "seen"],
  ["sequence → read and the chat answered (the old bench's stored→seen)", "seq", "answered"],
];

/** CPU seconds (user + system) used so far by a process and its descendants (clock ticks of 10 ms). */
function treeCpu(root: number): number {
  let ticks = 0;
  for (const proc of processTree(root)) {
    try {
      const stat = readFileSync(`/proc/${proc.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100;
}

/** Redis's CPU seconds and its Lua publish calls so far (INFO; the server's totals, other clients included). */
async function redisCpu(url: string): Promise<{ cpu: number; evalsha: number; evalshaUs: number }> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url);
  try {
    const info = await redis.info("all");
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? NaN);
    const evalsha = /^cmdstat_evalsha:calls=(\d+),usec=(\d+)/m.exec(info);
    return {
      cpu: field("used_cpu_sys") + field("used_cpu_user"),
      evalsha: Number(evalsha?.[1] ?? 0),
      evalshaUs: Number(evalsha?.[2] ?? 0),
    };
  } finally {
    redis.disconnect();
  }
}

function treeRss(instances: Instance[]): number {
  return instances.reduce(
    (sum, instance) => sum + processTree(instance.child.pid!).reduce((total, proc) => total + proc.rssMb, 0),
    0,
  );
}

async function stopAll(instances: Instance[]): Promise<void> {
  await Promise.all(
    instances.map(
      (instance) =>
        new Promise<void>((resolve) => {
          if (instance.child.exitCode !== null || instance.child.signalCode !== null) return resolve();
          instance.child.once("exit", () => resolve());
          instance.child.kill("SIGTERM");
          setTimeout(() => instance.child.kill("SIGKILL"), 5000).unref();
        }),
    ),
  );
}

async function openAll(
  instances: Instance[],
  sessionIds: string[],
  visitorId: string,
): Promise<{ streams: SseReader[]; bySession: Map<string, SseReader>; failed: number; seconds: number }> {
  const started = Date.now();
  const streams: SseReader[] = [];
  const bySession = new Map<string, SseReader>();
  let failed = 0;
  for (let i = 0; i < sessionIds.length; i += 200) {
    const batch = await Promise.all(
      sessionIds.slice(i, i + 200).map((id, j) => {
        const instance = instances[(i + j) % instances.length]!;
        return openSse(`${instance.baseUrl}/api/chats/sessions/${id}/events/?visitor_id=${visitorId}`).then(
          (stream) => {
            if (stream.response.status !== 200) failed += 1;
            else if ((i + j) % instances.length === instances.length - 1) bySession.set(id, stream);
            return stream;
          },
          () => {
            failed += 1;
            return undefined;
          },
        );
      }),
    );
    for (const stream of batch) if (stream) streams.push(stream);
  }
  return { streams, bySession, failed, seconds: (Date.now() - started) / 1000 };
}

async function measure(dir: string, flags: Record<string, string>) {
  const dialect = (flags.dialect ?? "sqlite") as Dialect;
  const count = intFlag(flags, "streams", 10_000);
  const cycles = intFlag(flags, "cycles", 3);
  const messages = intFlag(flags, "messages", 200);
  const concurrency = intFlag(flags, "concurrency", 20);
  const instanceCount = intFlag(flags, "instances", 1);
  const redis = "redis" in flags || instanceCount > 1;
  const trace = "trace" in flags;
  const redisUrl = flags["redis-url"] ?? "redis://127.0.0.1:6379";
  const traceDir = trace ? mkdtempSync(path.join(os.tmpdir(), "event-trace-")) : "";
  const traceEnv = (index: number): Record<string, string> =>
    trace
      ? {
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${path.join(import.meta.dirname, "event-trace.mjs")}`,
          EVENT_TRACE_FILE: path.join(traceDir, `instance-${index}`),
        }
      : {};

  const testDatabase = await createTestDatabase(dialect);
  const database = await openDatabase(testDatabase.url);
  const env: Record<string, string> = redis ? { REDIS_URL: redisUrl } : {};
  const instances: Instance[] = [];
  const label = `${path.basename(dir)} · ${dialect}${redis ? " + Redis" : ""} · ${instanceCount} instance(s)`;
  const memoryRows: (string | number)[][] = [];
  const latencyRows: (string | number)[][] = [];
  const stageRows: (string | number)[][] = [];
  let observer: ChildProcess | undefined;
  try {
    for (let i = 0; i < instanceCount; i += 1)
      instances.push(await startIn(dir, testDatabase.url, { ...env, ...traceEnv(i) }));
    if (trace && redis) {
      observer = fork(
        path.join(import.meta.dirname, "redis-observer.mjs"),
        [redisUrl, "visitor-chat:events", path.join(traceDir, "channel")],
        { stdio: "inherit" },
      );
      await new Promise((resolve) => observer!.once("message", resolve));
    }
    const visitorId = randomUUID();
    await database.db.visitor.create({ data: { id: visitorId, metadata: {} } });
    const sessionIds = Array.from({ length: count }, () => randomUUID());
    for (let i = 0; i < count; i += 1000) {
      await database.db.session.createMany({
        data: sessionIds.slice(i, i + 1000).map((id) => ({ id, visitor_id: visitorId })),
      });
    }
    // Warm every instance's routes (the stream, the chat), then the baseline.
    for (const instance of instances) {
      const warm = await openSse(
        `${instance.baseUrl}/api/chats/sessions/${sessionIds[0]}/events/?visitor_id=${visitorId}`,
      );
      await request(instance.baseUrl, "POST", "/api/chats/messages/chat/", {
        visitor_id: visitorId,
        session_id: sessionIds[0],
        message: "hello",
      });
      await warm.close();
    }
    await sleep(2000);
    const idle = treeRss(instances);

    let open: SseReader[] = [];
    let follower = new Map<string, SseReader>();
    for (let cycle = 1; cycle <= cycles; cycle += 1) {
      const { streams, bySession, failed, seconds } = await openAll(instances, sessionIds, visitorId);
      await sleep(3000);
      const withStreams = treeRss(instances);
      const isLast = cycle === cycles;
      if (isLast) {
        open = streams;
        follower = bySession;
      } else {
        await Promise.all(streams.map((stream) => stream.close()));
        await sleep(3000);
      }
      const dropped = isLast ? NaN : treeRss(instances);
      memoryRows.push([
        label,
        cycle,
        streams.length - failed,
        failed,
        fmt(seconds),
        fmt(idle),
        fmt(withStreams),
        fmt(((withStreams - idle) * 1024) / Math.max(1, streams.length - failed)),
        isLast ? "(kept open)" : fmt(dropped),
      ]);
      console.log(memoryRows.at(-1)!.join(" | "));
    }

    // Fan-out: chat messages through the first instance, followers on the last one.
    const candidates = [...follower.keys()];
    const storedToSeen: number[] = [];
    const sentToSeen: number[] = [];
    const requestMs: number[] = [];
    let failures = 0;
    const used = new Set<string>();
    /** The measured messages: their sequence and when the bench read them. */
    const seen = new Map<string, number>();
    const answeredOrSeen = new Map<string, number>();
    /** Sequences that two measured messages (or two events at one stage) share: not used for the stages. */
    const ambiguous = new Set<string>();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuBefore = {
      instances: instances.map((instance) => treeCpu(instance.child.pid!)),
      redis: trace && redis ? await redisCpu(redisUrl) : undefined,
      bench: process.cpuUsage(),
      at: performance.now(),
    };
    const one = async () => {
      let sessionId: string;
      do sessionId = candidates[Math.floor(Math.random() * candidates.length)]!;
      while (used.has(sessionId));
      used.add(sessionId);
      const stream = follower.get(sessionId)!;
      const sent = performance.timeOrigin + performance.now();
      // Stamped when the frame is read (not after the chat request's answer, which may come later).
      const arrived = Promise.race([
        stream
          .readUntil((frames) => frames.at(-1)?.event === "message.created")
          .then((frames) => ({ frames, at: performance.timeOrigin + performance.now() })),
        sleep(15_000).then(() => ({ frames: [], at: NaN })),
      ]);
      const answer = await request(instances[0]!.baseUrl, "POST", "/api/chats/messages/chat/", {
        visitor_id: visitorId,
        session_id: sessionId,
        message: "How do I reset my password?",
      });
      requestMs.push(answer.ms);
      if (answer.status !== 200 && answer.status !== 201) failures += 1;
      const { frames, at } = await arrived;
      const created = frames.find((frame) => frame.event === "message.created");
      if (!created) return void (failures += 1);
      if (seen.has(String(created.id))) ambiguous.add(String(created.id));
      seen.set(String(created.id), at);
      // What this bench measured before 7 Dec 2026 05:00 UTC: the later of the frame read and the chat answer.
      answeredOrSeen.set(String(created.id), performance.timeOrigin + performance.now());
      storedToSeen.push(at - Number(created.id) / 1000);
      sentToSeen.push(at - sent);
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < Math.min(messages, candidates.length)) {
          next += 1;
          await one();
        }
      }),
    );
    latencyRows.push([
      label,
      open.length,
      `${storedToSeen.length}/${messages}`,
      failures,
      fmt(percentile(storedToSeen, 50)),
      fmt(percentile(storedToSeen, 99)),
      fmt(percentile(sentToSeen, 50)),
      fmt(percentile(sentToSeen, 99)),
      fmt(percentile(requestMs, 50)),
      fmt(percentile(requestMs, 99)),
    ]);
    console.log(latencyRows.at(-1)!.join(" | "));
    loopDelay.disable();
    if (trace) {
      const wall = (performance.now() - cpuBefore.at) / 1000;
      const benchCpu = process.cpuUsage(cpuBefore.bench);
      const parts = instances.map(
        (instance, index) =>
          `instance ${index + 1} ${fmt(treeCpu(instance.child.pid!) - cpuBefore.instances[index]!, 2)} s`,
      );
      parts.push(`bench ${fmt((benchCpu.user + benchCpu.system) / 1e6, 2)} s`);
      if (cpuBefore.redis) {
        const after = await redisCpu(redisUrl);
        const calls = after.evalsha - cpuBefore.redis.evalsha;
        parts.push(
          `Redis ${fmt(after.cpu - cpuBefore.redis.cpu, 2)} s (${calls} Lua publishes, ${fmt(
            (after.evalshaUs - cpuBefore.redis.evalshaUs) / Math.max(1, calls),
          )} µs each)`,
        );
      }
      console.log(`CPU during the ${fmt(wall, 1)} s of chat messages: ${parts.join(", ")}`);
      await sleep(1000);
      observer?.kill("SIGTERM");
      if (observer) await new Promise((resolve) => observer!.once("exit", resolve));
      const publisher = readTrace(path.join(traceDir, "instance-0"), ambiguous);
      const followerSide = readTrace(path.join(traceDir, `instance-${instanceCount - 1}`), ambiguous);
      const channel = readTrace(path.join(traceDir, "channel"), ambiguous);
      console.log(
        `stages of ${seen.size - [...seen.keys()].filter((seq) => ambiguous.has(seq)).length} of ${seen.size} messages (the others shared their sequence with another session's event)`,
      );
      const stamp = (stage: string, seq: string): number | undefined => {
        if (stage === "seq") return Number(seq) / 1000;
        if (stage === "seen") return seen.get(seq);
        if (stage === "answered") return answeredOrSeen.get(seq);
        if (stage === "publish" || stage === "acked") return publisher.get(stage)?.get(seq);
        if (stage === "channel") return channel.get("channel")?.get(seq);
        return followerSide.get(stage)?.get(seq);
      };
      const counts = [...(channel.get("count") ?? new Map<string, number>())]
        .map(([type, count]) => `${type} ${count}`)
        .join(", ");
      if (counts) console.log(`events on the channel while measuring (all sessions): ${counts}`);
      for (const [label, from, to] of TRACE_STAGES) {
        const samples: number[] = [];
        for (const seq of seen.keys()) {
          if (ambiguous.has(seq)) continue;
          const start = stamp(from, seq);
          const end = stamp(to, seq);
          if (start !== undefined && end !== undefined) samples.push(end - start);
        }
        if (samples.length === 0) continue;
        stageRows.push([
          label,
          path.basename(dir),
          samples.length,
          fmt(percentile(samples, 50), 2),
          fmt(percentile(samples, 99), 2),
        ]);
      }
      stageRows.push([
        // The histogram holds the time between its 10 ms samples: the delay is what goes beyond.
        "the bench's own event-loop delay",
        path.basename(dir),
        loopDelay.count,
        fmt(loopDelay.percentile(50) / 1e6 - 10, 2),
        fmt(loopDelay.percentile(99) / 1e6 - 10, 2),
      ]);
      for (const row of stageRows.slice(-TRACE_STAGES.length - 1)) console.log(row.join(" | "));
    }
    await Promise.all(open.map((stream) => stream.close()));
  } finally {
    if (observer && observer.exitCode === null) observer.kill("SIGTERM");
    await stopAll(instances);
    await database.close();
    await testDatabase.drop();
    if (traceDir) rmSync(traceDir, { recursive: true, force: true });
  }
  return { memoryRows, latencyRows, stageRows };
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const dirs = (flags.dirs ?? ".").split(",").map((dir) => path.resolve(dir));
  console.log(machineLine());
  const memoryRows: (string | number)[][] = [];
  const latencyRows: (string | number)[][] = [];
  const stageRows: (string | number)[][] = [];
  const rounds = intFlag(flags, "rounds", 1);
  for (let round = 1; round <= rounds; round += 1)
    for (const dir of dirs) {
      console.log(`round ${round}/${rounds}: ${path.basename(dir)} · ${machineLine()}`);
      const result = await measure(dir, flags);
      memoryRows.push(...result.memoryRows);
      latencyRows.push(...result.latencyRows);
      stageRows.push(...result.stageRows);
    }
  printTable(
    "Open event streams: resident memory summed over each server's process tree (MB)",
    [
      "run",
      "cycle",
      "streams open",
      "failed",
      "opened in (s)",
      "idle (MB)",
      "with streams (MB)",
      "per stream (KB)",
      "after drop (MB)",
    ],
    memoryRows,
  );
  printTable(
    "A chat message → its follower's message.created, with the streams open (ms)",
    [
      "run",
      "streams",
      "received",
      "failures",
      "stored→seen p50",
      "stored→seen p99",
      "sent→seen p50",
      "sent→seen p99",
      "chat request p50",
      "chat request p99",
    ],
    latencyRows,
  );
  if (stageRows.length > 0)
    printTable(
      "Where the time goes: each stage of the measured message.created (ms)",
      ["stage", "run", "messages", "p50", "p99"],
      stageRows,
    );
  console.log(machineLine());
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
