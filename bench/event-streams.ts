/**
 * Conversation event streams: how many idle open event streams (connected widgets) one instance holds and its
 * memory, and the latency of an event from published to received with many streams open.
 *
 *   npx tsx bench/event-streams.ts [--idle 2000] [--open 1000] [--events 500] [--rate 50]
 *                                  [--dialect postgresql|sqlite] [--redis]
 *
 * Method: visitors and sessions are inserted directly in the database (one session per stream); `--idle`
 * streams are opened on GET /api/chats/sessions/{id}/events/ and the server's resident memory (VmRSS of the
 * process listening on its port) is read before and after. Then, with `--open` streams, `--events` session
 * renames are sent at `--rate` per second to random sessions: each publishes one session.updated, received by
 * that session's stream. "Published" is the event's sequence, which is the publisher's clock in µs (ms
 * resolution: nextSequence = max(last + 1, now_ms × 1000)); "received" is when this process (same machine,
 * same clock) read the frame. `--redis` runs the instance with REDIS_URL (the Redis bus).
 */
import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { openDatabase } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import { startServer } from "../testing/next-server";
import { openSse, type SseReader } from "../testing/sse";
import { createTestDatabase } from "../testing/test-database";
import { fmt, intFlag, machineLine, parseFlags, percentile, printTable } from "./lib";

/** Resident memory (MB) of the process listening on `port`. */
function rssOfListener(port: number): number {
  const line = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(line)?.[1];
  if (!pid) throw new Error(`no process listens on ${port}: ${line}`);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const flags = parseFlags();
  const dialect = (flags.dialect ?? "postgresql") as Dialect;
  const idle = intFlag(flags, "idle", 2000);
  const open = intFlag(flags, "open", 1000);
  const events = intFlag(flags, "events", 500);
  const rate = intFlag(flags, "rate", 50);
  const redis = "redis" in flags;

  const testDatabase = await createTestDatabase(dialect);
  const database = await openDatabase(testDatabase.url);
  const server = await startServer({
    databaseUrl: testDatabase.url,
    env: redis ? { REDIS_URL: "redis://127.0.0.1:6379" } : {},
  });
  const port = Number(new URL(server.baseUrl).port);
  const streams: SseReader[] = [];
  try {
    const count = Math.max(idle, open);
    const visitorId = randomUUID();
    await database.db.visitor.create({ data: { id: visitorId, metadata: {} } });
    const sessionIds = Array.from({ length: count }, () => randomUUID());
    for (let i = 0; i < count; i += 500) {
      await database.db.session.createMany({
        data: sessionIds.slice(i, i + 500).map((id) => ({ id, visitor_id: visitorId })),
      });
    }
    const url = (id: string) => `${server.baseUrl}/api/chats/sessions/${id}/events/?visitor_id=${visitorId}`;

    // Warm the routes, then the baseline.
    const warm = await openSse(url(sessionIds[0]!));
    await warm.close();
    await sleep(1000);
    const rssBefore = rssOfListener(port);

    let failed = 0;
    const openedAt = Date.now();
    for (let i = 0; i < idle; i += 100) {
      const batch = await Promise.all(
        sessionIds.slice(i, Math.min(i + 100, idle)).map((id) =>
          openSse(url(id)).then(
            (stream) => {
              if (stream.response.status !== 200) failed += 1;
              return stream;
            },
            () => {
              failed += 1;
              return undefined;
            },
          ),
        ),
      );
      for (const stream of batch) if (stream) streams.push(stream);
    }
    const openSeconds = (Date.now() - openedAt) / 1000;
    await sleep(3000);
    const rssIdle = rssOfListener(port);
    printTable(
      `Idle event streams on one instance (${dialect}${redis ? ", Redis bus" : ", in-process bus"})`,
      [
        "streams open",
        "failed",
        "opened in (s)",
        "RSS before (MB)",
        "RSS with streams (MB)",
        "per stream (KB)",
      ],
      [
        [
          streams.length,
          failed,
          fmt(openSeconds),
          fmt(rssBefore),
          fmt(rssIdle),
          fmt(((rssIdle - rssBefore) * 1024) / Math.max(1, streams.length)),
        ],
      ],
    );
    console.log(
      `${streams.length >= 2000 && rssIdle < 1024 ? "PASS" : "MISS"} ≥ 2,000 open streams under 1 GB RSS`,
    );

    // Latency with `open` streams: close the rest.
    for (const stream of streams.splice(open)) await stream.close();
    const latencies: number[] = [];
    const readers = streams.map(async (stream) => {
      for (;;) {
        const frame = await stream.next();
        if (!frame) return;
        if (frame.event !== "session.updated") continue;
        latencies.push(performance.timeOrigin + performance.now() - Number(frame.id) / 1000);
      }
    });
    let sent = 0;
    const statuses = new Map<string, number>();
    const renames: Promise<void>[] = [];
    const started = Date.now();
    while (sent < events) {
      const id = sessionIds[Math.floor(Math.random() * streams.length)]!;
      renames.push(
        fetch(`${server.baseUrl}/api/chats/sessions/${id}/`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ visitor_id: visitorId, title: `t${sent}` }),
        }).then(
          (response) => {
            statuses.set(String(response.status), (statuses.get(String(response.status)) ?? 0) + 1);
          },
          (error: unknown) => {
            const key = error instanceof Error ? error.message : "error";
            statuses.set(key, (statuses.get(key) ?? 0) + 1);
          },
        ),
      );
      sent += 1;
      const due = started + (sent * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    await Promise.all(renames);
    for (let waited = 0; latencies.length < events && waited < 10_000; waited += 100) await sleep(100);
    console.log(`renames answered: ${JSON.stringify(Object.fromEntries(statuses))}`);
    printTable(
      `Event latency, published → received, ${streams.length} open streams (${events} events at ${rate}/s)`,
      ["received", "p50 (ms)", "p99 (ms)", "max (ms)"],
      [
        [
          `${latencies.length}/${events}`,
          fmt(percentile(latencies, 50)),
          fmt(percentile(latencies, 99)),
          fmt(Math.max(...latencies)),
        ],
      ],
    );
    console.log(
      `${percentile(latencies, 99) <= 50 ? "PASS" : "MISS"} p99 ≤ 50 ms at ${streams.length} streams`,
    );
    console.log(machineLine());
    await Promise.all(streams.map((stream) => stream.close()));
    await Promise.race([Promise.all(readers), sleep(2000)]);
  } finally {
    await server.stop();
    await database.close();
    await testDatabase.drop();
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
