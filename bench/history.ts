/**
 * History scale: latency of one message page (20 items) with 1k vs 1M stored messages, on PostgreSQL.
 *
 *   npx tsx bench/history.ts [--small 1000] [--large 1000000] [--samples 200]
 *
 * Phase 1: one session with --small messages, alone in the table. Phase 2: --large messages are bulk-inserted
 * into a second session (INSERT … SELECT generate_series), the table is ANALYZEd, and both sessions are measured
 * again. Each page kind (oldest first, newest first, a page from the middle via its cursor) is timed over HTTP
 * (`GET /api/chats/sessions/{id}/messages/` on next start) and in-process (listMessages, no HTTP).
 */
import { listMessages } from "~/server/chat/messages/messages.service";
import { encodeCursor } from "~/server/chat/pagination";
import { openDatabase, type Database } from "~/server/db/client";
import { startServer, type RunningServer } from "../testing/next-server";
import { createTestDatabase } from "../testing/test-database";
import { dataOf, fmt, intFlag, machineLine, parseFlags, percentile, printTable, request } from "./lib";
import { testDeps } from "../tests/helpers/deps";

interface Target {
  label: string;
  visitorId: string;
  sessionId: string;
}

interface Measured {
  label: string;
  page: string;
  http: number[];
  inProcess: number[];
}

async function bulkInsert(
  database: Database,
  sessionId: string,
  count: number,
  startAt: Date,
): Promise<void> {
  await database.db.$executeRawUnsafe(
    `INSERT INTO messages (id, session_id, role, content, status, created_at)
     SELECT gen_random_uuid(), $1::uuid,
            (CASE WHEN i % 2 = 1 THEN 'user' ELSE 'assistant' END)::"MessageRole",
            'Message ' || i || ': how do I embed the chat widget on my pricing page, and can I change its colours?',
            'complete'::"MessageStatus",
            $2::timestamptz + i * interval '1 millisecond'
     FROM generate_series(1, $3::int) AS i`,
    sessionId,
    startAt.toISOString(),
    count,
  );
  await database.db.$executeRawUnsafe("ANALYZE messages");
}

async function middleCursor(database: Database, sessionId: string, count: number): Promise<string> {
  const rows = await database.db.$queryRawUnsafe<{ created_at: Date; id: string }[]>(
    `SELECT created_at, id::text AS id FROM messages WHERE session_id = $1::uuid
     ORDER BY created_at, id OFFSET $2::int LIMIT 1`,
    sessionId,
    Math.floor(count / 2),
  );
  const row = rows[0];
  if (!row) throw new Error("no middle row");
  return encodeCursor({ at: new Date(row.created_at), id: row.id });
}

async function measure(
  server: RunningServer,
  database: Database,
  target: Target,
  count: number,
  samples: number,
): Promise<Measured[]> {
  const cursor = await middleCursor(database, target.sessionId, count);
  const pages: { page: string; query: string; input: { order: "asc" | "desc"; cursor?: string } }[] = [
    { page: "oldest first (asc)", query: "", input: { order: "asc" } },
    { page: "newest first (desc)", query: "&order=desc", input: { order: "desc" } },
    { page: "middle, asc cursor", query: `&cursor=${cursor}`, input: { order: "asc", cursor } },
    { page: "middle, desc cursor", query: `&order=desc&cursor=${cursor}`, input: { order: "desc", cursor } },
  ];
  const deps = testDeps(database);
  const results: Measured[] = [];
  for (const { page, query, input } of pages) {
    const path = `/api/chats/sessions/${target.sessionId}/messages/?visitor_id=${target.visitorId}&limit=20${query}`;
    const measured: Measured = { label: target.label, page, http: [], inProcess: [] };
    for (let index = 0; index < samples + 20; index++) {
      const result = await request(server.baseUrl, "GET", path);
      if (result.status !== 200 || dataOf<{ items: unknown[] }>(result).items.length !== 20)
        throw new Error(`page failed: ${result.status} ${result.text.slice(0, 200)}`);
      if (index >= 20) measured.http.push(result.ms);
      const started = performance.now();
      await listMessages(deps, { id: target.sessionId, visitor_id: target.visitorId, limit: 20, ...input });
      if (index >= 20) measured.inProcess.push(performance.now() - started);
    }
    results.push(measured);
  }
  return results;
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const small = intFlag(flags, "small", 1000);
  const large = intFlag(flags, "large", 1_000_000);
  const samples = intFlag(flags, "samples", 200);
  console.log(`history scale on postgresql: ${small} vs ${large} messages · ${machineLine()}`);

  const testDatabase = await createTestDatabase("postgresql");
  const database = await openDatabase(testDatabase.url);
  const server = await startServer({ databaseUrl: testDatabase.url, env: { RATE_LIMITS: "off" } });
  const rows: Measured[] = [];
  try {
    const visitor = dataOf<{ id: string }>(await request(server.baseUrl, "POST", "/api/chats/visitors/", {}));
    const newSession = async () =>
      dataOf<{ id: string }>(
        await request(server.baseUrl, "POST", "/api/chats/sessions/", { visitor_id: visitor.id }),
      ).id;
    const smallTarget: Target = {
      label: `${small} in session, ${small} in table`,
      visitorId: visitor.id,
      sessionId: await newSession(),
    };
    const largeSessionId = await newSession();

    await bulkInsert(database, smallTarget.sessionId, small, new Date("2026-01-01T00:00:00Z"));
    rows.push(...(await measure(server, database, smallTarget, small, samples)));

    const setupStarted = performance.now();
    await bulkInsert(database, largeSessionId, large, new Date("2026-02-01T00:00:00Z"));
    console.log(`inserted ${large} messages in ${fmt((performance.now() - setupStarted) / 1000)} s`);
    rows.push(
      ...(await measure(
        server,
        database,
        { label: `${large} in session`, visitorId: visitor.id, sessionId: largeSessionId },
        large,
        samples,
      )),
    );
    rows.push(
      ...(await measure(
        server,
        database,
        { ...smallTarget, label: `${small} in session, ${small + large} in table` },
        small,
        samples,
      )),
    );
  } finally {
    await database.close();
    await server.stop();
    await testDatabase.drop();
  }

  printTable(
    `Message page (limit 20) latency, ms (${samples} sequential requests each)`,
    ["stored", "page", "HTTP p50", "HTTP p99", "in-process p50", "in-process p99"],
    rows.map((row) => [
      row.label,
      row.page,
      fmt(percentile(row.http, 50), 2),
      fmt(percentile(row.http, 99), 2),
      fmt(percentile(row.inProcess, 50), 2),
      fmt(percentile(row.inProcess, 99), 2),
    ]),
  );
  const pageKinds = [...new Set(rows.map((row) => row.page))];
  let flat = true;
  for (const page of pageKinds) {
    const base = rows.find(
      (row) => row.page === page && row.label.startsWith(`${small} in session, ${small} in`),
    );
    const big = rows.find((row) => row.page === page && row.label === `${large} in session`);
    if (!base || !big) continue;
    const ratio = percentile(big.http, 50) / percentile(base.http, 50);
    const ratioIn = percentile(big.inProcess, 50) / percentile(base.inProcess, 50);
    flat &&= ratio <= 1.25;
    console.log(
      `${page}: ${large} / ${small} p50 = ${fmt(ratio * 100)} % over HTTP, ${fmt(ratioIn * 100)} % in-process`,
    );
  }
  console.log(`\nmessage page with ${large} within 25 % of ${small} (HTTP p50): ${flat ? "PASS" : "MISS"}`);
}

void main();
