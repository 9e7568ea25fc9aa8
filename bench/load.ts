/**
 * Load: N concurrent visitors × M messages over REST and over the SSE stream, against `next start` on a fresh
 * database (PostgreSQL by default), then checks the stored messages against the sent ones.
 *
 *   npx tsx bench/load.ts [--visitors 200] [--messages 20] [--dialect postgresql|sqlite] [--modes rest,sse]
 *                         [--delay-ms 0]
 *
 * Needs `npx next build` first. The server runs with RATE_LIMITS=off and KNOWLEDGE_STREAM_DELAY_MS=--delay-ms.
 */
import { openDatabase } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import { createTestDatabase } from "../testing/test-database";
import { startServer } from "../testing/next-server";
import { fmt, intFlag, machineLine, parseFlags, printTable } from "./lib";
import { runLoad, type LoadMode, type LoadReport } from "./load-core";

async function main(): Promise<void> {
  const flags = parseFlags();
  const visitors = intFlag(flags, "visitors", 200);
  const messages = intFlag(flags, "messages", 20);
  const dialect = (flags.dialect ?? "postgresql") as Dialect;
  const modes = (flags.modes ?? "rest,sse").split(",") as LoadMode[];
  const delayMs = intFlag(flags, "delay-ms", 0);

  console.log(`load: ${visitors} visitors × ${messages} messages on ${dialect} · ${machineLine()}`);
  const testDatabase = await createTestDatabase(dialect);
  const server = await startServer({
    databaseUrl: testDatabase.url,
    env: { RATE_LIMITS: "off", KNOWLEDGE_STREAM_DELAY_MS: String(delayMs) },
  });
  const database = await openDatabase(testDatabase.url);
  const reports: LoadReport[] = [];
  try {
    // Warm-up: compiles nothing (production build) but fills pools and JIT caches.
    await runLoad({ baseUrl: server.baseUrl, db: database.db, visitors: 10, messages: 2, mode: "rest" });
    for (const mode of modes) {
      reports.push(await runLoad({ baseUrl: server.baseUrl, db: database.db, visitors, messages, mode }));
    }
  } finally {
    await database.close();
    await server.stop();
    await testDatabase.drop();
  }

  printTable(
    `Load on ${dialect} (next start, knowledge-base responder, KNOWLEDGE_STREAM_DELAY_MS=${delayMs})`,
    [
      "mode",
      "N×M",
      "msgs/s",
      "p50 ms",
      "p99 ms",
      "max ms",
      "1st event p50/p99 ms",
      "5xx",
      "other fail",
      "lost",
      "dup",
      "bad replies",
    ],
    reports.map((report) => [
      report.mode,
      `${report.visitors}×${report.messagesPerVisitor}`,
      fmt(report.throughput),
      fmt(report.p50),
      fmt(report.p99),
      fmt(report.max),
      report.firstEventP50 === undefined
        ? ""
        : `${fmt(report.firstEventP50)} / ${fmt(report.firstEventP99 ?? NaN)}`,
      report.status5xx,
      report.otherFailures,
      report.lost,
      report.duplicated,
      report.badReplies,
    ]),
  );
  for (const report of reports)
    for (const failure of report.failures) console.log(`  ${report.mode}: ${failure}`);
  const ok = reports.every(
    (report) =>
      report.status5xx === 0 && report.lost === 0 && report.duplicated === 0 && report.otherFailures === 0,
  );
  const p99Ok = reports.every((report) => report.p99 <= 500);
  console.log(
    `\nintegrity (0 lost, 0 dup, 0 × 5xx): ${ok ? "PASS" : "FAIL"} · p99 chat ≤ 500 ms: ${p99Ok ? "PASS" : "MISS"}`,
  );
  process.exitCode = ok ? 0 : 1;
}

void main();
