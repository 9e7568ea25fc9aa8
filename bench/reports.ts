/**
 * Team reports at size (issue 26, item 9): a year of conversations — each with a visitor message and an assistant
 * reply; every 5th with a handoff request, an agent reply and a close; every 3rd rated; every 7th with a
 * thumbs-down — then GET /api/admin/reports/'s domain verb over the whole year, per day and per agent, timed
 * in process with the heap growth it caused, on SQLite and PostgreSQL.
 *
 *   npx tsx bench/reports.ts [--sessions 20000] [--dialects sqlite,postgresql]
 */
import type { Dialect } from "~/server/db/database-url";
import { openDatabase } from "~/server/db/client";
import { reportInputSchema } from "~/server/admin/reports/reports.schema";
import { getReport } from "~/server/admin/reports/reports.service";
import { createTestDatabase } from "../testing/test-database";
import { testDeps } from "../tests/helpers/deps";
import { fmt, intFlag, machineLine, parseFlags, printTable } from "./lib";

const flags = parseFlags();
const SESSIONS = intFlag(flags, "sessions", 20_000);
const DIALECTS = (flags.dialects ?? "sqlite,postgresql").split(",") as Dialect[];
const YEAR_START = Date.parse("2025-01-01T00:00:00Z");
const YEAR_MS = 365 * 86_400_000;

async function run(dialect: Dialect): Promise<(string | number)[][]> {
  const testDatabase = await createTestDatabase(dialect);
  const database = await openDatabase(testDatabase.url);
  const db = database.db;
  try {
    const visitor = await db.visitor.create({ data: { metadata: {} } });
    const step = YEAR_MS / SESSIONS;
    for (let first = 0; first < SESSIONS; first += 1000) {
      const ids: string[] = [];
      const sessions = [];
      const messages = [];
      const requests = [];
      const ratings = [];
      for (let n = first; n < Math.min(first + 1000, SESSIONS); n += 1) {
        const id = crypto.randomUUID();
        const start = YEAR_START + Math.floor(n * step);
        const at = (seconds: number) => new Date(start + seconds * 1000);
        ids.push(id);
        sessions.push({ id, visitor_id: visitor.id, created_at: at(0), updated_at: at(0) });
        messages.push({
          session_id: id,
          role: "user" as const,
          content: "A question of some length",
          created_at: at(0),
        });
        messages.push({
          id: n % 7 === 0 ? `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` : undefined,
          session_id: id,
          role: "assistant" as const,
          content: "An answer of some length, as the assistant writes them.",
          created_at: at(1),
        });
        if (n % 5 === 0) {
          requests.push({ session_id: id, requested_at: at(30) });
          messages.push({
            session_id: id,
            role: "agent" as const,
            content: "Hi",
            author_name: `Agent ${n % 4}`,
            created_at: at(30 + (n % 300)),
          });
          messages.push({
            session_id: id,
            role: "system" as const,
            content: "",
            kind: "closed",
            created_at: at(900 + (n % 3600)),
          });
        }
        if (n % 3 === 0) ratings.push({ session_id: id, visitor_id: visitor.id, rating: 1 + (n % 5) });
      }
      await db.session.createMany({ data: sessions });
      await db.message.createMany({ data: messages });
      await db.handoffRequest.createMany({ data: requests });
      await db.sessionRating.createMany({ data: ratings });
      const downs = messages
        .filter((message) => message.id)
        .map((message) => ({
          message_id: message.id!,
          session_id: message.session_id,
          visitor_id: visitor.id,
          rating: "down" as const,
        }));
      await db.messageFeedback.createMany({ data: downs });
    }
    const deps = testDeps(database);
    const rows: (string | number)[][] = [];
    for (const group of ["day", "agent"] as const) {
      const input = reportInputSchema.parse({ from: "2025-01-01", to: "2025-12-31", group });
      await getReport(deps, input); // warm
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let peak = heapBefore;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
      const started = performance.now();
      const report = await getReport(deps, input);
      const ms = performance.now() - started;
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      rows.push([
        dialect,
        group,
        report.totals.conversations,
        report.rows.length,
        fmt(ms, 0),
        fmt((SESSIONS / ms) * 1000, 0),
        fmt((peak - heapBefore) / 1024 / 1024, 1),
      ]);
    }
    return rows;
  } finally {
    await database.close();
    await testDatabase.drop();
  }
}

async function main(): Promise<void> {
  console.log(machineLine());
  const rows: (string | number)[][] = [];
  for (const dialect of DIALECTS) rows.push(...(await run(dialect)));
  printTable(
    `Reports over a year of ${SESSIONS} conversations (in process)`,
    ["dialect", "group", "conversations", "rows", "ms", "conversations/s", "heap growth MB (peak)"],
    rows,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
