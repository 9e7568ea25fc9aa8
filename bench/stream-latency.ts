/**
 * Stream latency: time from the responder yielding a delta to the client receiving it, with 1 and with many
 * concurrent streams.
 *
 * Method: the server preloads bench/stamp-preload.mjs (stampedServerEnv), which wraps the responder so each
 * delta's text starts with the wall-clock time (performance.timeOrigin + performance.now()) at which the responder yielded it. The client
 * (this process, same machine, same clock) stamps each SSE event on arrival; latency = arrival − yield. The same
 * is measured in-process through the domain layer (startChat → chatStreamEvents, no HTTP) for comparison.
 *
 *   npx tsx bench/stream-latency.ts [--dialect postgresql|sqlite] [--concurrency 1,200] [--delay-ms 25]
 *                                   [--samples 30]
 *
 * --delay-ms is KNOWLEDGE_STREAM_DELAY_MS (the product default, 25 ms between chunks: a realistic typing pace).
 */
import path from "node:path";
import { openDatabase } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import { chatStreamEvents, startChat } from "~/server/chat/messages/messages.service";
import { DELTA_STAMP, nowMs, stampDeltas, stampedServerEnv } from "./stamp-deltas";
import { KnowledgeBase, KnowledgeBaseResponder, loadKnowledge } from "~/server/chat/responder/knowledge-base";
import { startServer } from "../testing/next-server";
import { createTestDatabase } from "../testing/test-database";
import {
  dataOf,
  fmt,
  intFlag,
  machineLine,
  parseFlags,
  percentile,
  postSse,
  printTable,
  request,
} from "./lib";
import { testDeps } from "../tests/helpers/deps";

interface Row {
  scenario: string;
  streams: number;
  first: number[];
  all: number[];
  failures: number;
}

const QUESTION = "How do I embed the widget on my site?";

async function main(): Promise<void> {
  const flags = parseFlags();
  const dialect = (flags.dialect ?? "postgresql") as Dialect;
  const levels = (flags.concurrency ?? "1,200").split(",").map(Number);
  const delayMs = intFlag(flags, "delay-ms", 25);
  const samples = intFlag(flags, "samples", 30);
  console.log(`stream latency on ${dialect}, KNOWLEDGE_STREAM_DELAY_MS=${delayMs} · ${machineLine()}`);

  const testDatabase = await createTestDatabase(dialect);
  const server = await startServer({
    databaseUrl: testDatabase.url,
    env: { RATE_LIMITS: "off", ...stampedServerEnv(), KNOWLEDGE_STREAM_DELAY_MS: String(delayMs) },
  });
  const database = await openDatabase(testDatabase.url);
  const rows: Row[] = [];
  try {
    const maxStreams = Math.max(...levels);
    const sessions = await Promise.all(
      Array.from({ length: maxStreams }, async () => {
        const visitor = dataOf<{ id: string }>(
          await request(server.baseUrl, "POST", "/api/chats/visitors/", {}),
        );
        const session = dataOf<{ id: string }>(
          await request(server.baseUrl, "POST", "/api/chats/sessions/", { visitor_id: visitor.id }),
        );
        return { visitorId: visitor.id, sessionId: session.id };
      }),
    );

    const stream = async (index: number, row: Row) => {
      const session = sessions[index % sessions.length];
      if (!session) return;
      const result = await postSse(server.baseUrl, "/api/chats/messages/chat/stream/", {
        message: QUESTION,
        session_id: session.sessionId,
        visitor_id: session.visitorId,
      });
      if (result.status !== 200 || result.events.at(-1)?.event !== "done") row.failures++;
      let first = true;
      for (const event of result.events) {
        if (event.event !== "delta") continue;
        const stamp = DELTA_STAMP.exec(event.data);
        if (!stamp) continue;
        const latency = event.at - Number(stamp[1]);
        row.all.push(latency);
        if (first) row.first.push(latency);
        first = false;
      }
    };

    await stream(0, { scenario: "warm-up", streams: 1, first: [], all: [], failures: 0 });
    for (const level of levels) {
      const row: Row = { scenario: "HTTP SSE (next start)", streams: level, first: [], all: [], failures: 0 };
      // With one stream, repeat it `samples` times in a row; with many, run rounds until `samples` first deltas.
      const rounds = Math.max(1, Math.ceil(samples / level));
      for (let round = 0; round < rounds; round++) {
        await Promise.all(Array.from({ length: level }, (_, index) => stream(index, row)));
      }
      rows.push(row);
    }

    // In-process through the domain layer (no HTTP, no Next): the floor the transport adds to.
    const responder = stampDeltas(
      new KnowledgeBaseResponder(new KnowledgeBase(loadKnowledge(path.resolve("content/knowledge"))), {
        chunkDelayMs: delayMs,
      }),
    );
    const deps = testDeps(database, { responder });
    for (const level of levels) {
      const row: Row = { scenario: "in-process domain", streams: level, first: [], all: [], failures: 0 };
      const rounds = Math.max(1, Math.ceil(samples / level));
      for (let round = 0; round < rounds; round++) {
        await Promise.all(
          Array.from({ length: level }, async (_, index) => {
            const session = sessions[index % sessions.length];
            if (!session) return;
            const started = await startChat(deps, {
              message: QUESTION,
              session_id: session.sessionId,
              visitor_id: session.visitorId,
            });
            let first = true;
            for await (const event of chatStreamEvents(started)) {
              if (event.type === "error") row.failures++;
              if (event.type !== "delta") continue;
              const stamp = DELTA_STAMP.exec(event.text);
              if (!stamp) continue;
              const latency = nowMs() - Number(stamp[1]);
              row.all.push(latency);
              if (first) row.first.push(latency);
              first = false;
            }
          }),
        );
      }
      rows.push(row);
    }
  } finally {
    await database.close();
    await server.stop();
    await testDatabase.drop();
  }

  printTable(
    `Delta latency, responder yield → client (ms), ${dialect}, ${delayMs} ms between chunks`,
    [
      "scenario",
      "streams",
      "first-delta n",
      "first p50",
      "first p99",
      "all-delta n",
      "all p50",
      "all p99",
      "failed",
    ],
    rows.map((row) => [
      row.scenario,
      row.streams,
      row.first.length,
      fmt(percentile(row.first, 50), 2),
      fmt(percentile(row.first, 99), 2),
      row.all.length,
      fmt(percentile(row.all, 50), 2),
      fmt(percentile(row.all, 99), 2),
      row.failures,
    ]),
  );
  const http = rows.filter((row) => row.scenario.startsWith("HTTP"));
  const one = http.find((row) => row.streams === 1);
  const many = http.find((row) => row.streams === Math.max(...levels));
  if (one) {
    const value = percentile(one.first, 50);
    console.log(
      `\nfirst delta, 1 stream, median ${fmt(value, 2)} ms (target ≤ 20): ${value <= 20 ? "PASS" : "MISS"}`,
    );
  }
  if (many && many !== one) {
    const value = percentile(many.all, 99);
    console.log(
      `all deltas, ${many.streams} streams, p99 ${fmt(value, 2)} ms (target ≤ 100): ${value <= 100 ? "PASS" : "MISS"}`,
    );
  }
}

void main();
