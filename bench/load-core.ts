/**
 * The load scenario shared by bench/load.ts and tests/load.test.ts: N concurrent visitors each create a visitor
 * and a session, then send M messages one after another (REST `messages/chat/` or the SSE stream endpoint).
 * Afterwards the database is read back: every message sent must be stored exactly once, with a complete reply.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "~/server/db/client";
import { dataOf, percentile, postSse, request } from "./lib";

export type LoadMode = "rest" | "sse";

interface LoadOptions {
  baseUrl: string;
  db: Db;
  visitors: number;
  messages: number;
  mode: LoadMode;
}

export interface LoadReport {
  mode: LoadMode;
  visitors: number;
  messagesPerVisitor: number;
  sent: number;
  /** Chat requests per second over the chat phase. */
  throughput: number;
  p50: number;
  p99: number;
  max: number;
  /** Time to the first SSE event (start), for the streaming mode. */
  firstEventP50?: number;
  firstEventP99?: number;
  status5xx: number;
  /** Other non-2xx answers and transport errors. */
  otherFailures: number;
  lost: number;
  duplicated: number;
  /** Stored assistant replies that are not `complete`, or missing/extra replies. */
  badReplies: number;
  failures: string[];
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { baseUrl, db, visitors, messages, mode } = options;
  const runId = randomUUID().slice(0, 8);
  const latencies: number[] = [];
  const firstEvent: number[] = [];
  const sessions: { id: string; visitorId: string; sent: string[] }[] = [];
  const failures: string[] = [];
  let status5xx = 0;
  let otherFailures = 0;
  const note = (what: string, status: number, body: unknown) => {
    if (status >= 500) status5xx++;
    else otherFailures++;
    if (failures.length < 10) failures.push(`${what}: ${status} ${JSON.stringify(body)?.slice(0, 200)}`);
  };

  // Visitors and sessions first (all concurrent), so the timed phase is chat only.
  await Promise.all(
    Array.from({ length: visitors }, async (_, index) => {
      const visitor = await request(baseUrl, "POST", "/api/chats/visitors/", { metadata: { runId, index } });
      if (visitor.status !== 201 && visitor.status !== 200)
        return note("create visitor", visitor.status, visitor.json);
      const visitorId = dataOf<{ id: string }>(visitor).id;
      const session = await request(baseUrl, "POST", "/api/chats/sessions/", { visitor_id: visitorId });
      if (session.status >= 300) return note("create session", session.status, session.json);
      sessions.push({ id: dataOf<{ id: string }>(session).id, visitorId, sent: [] });
    }),
  );

  const started = performance.now();
  await Promise.all(
    sessions.map(async (session) => {
      const { visitorId } = session;
      for (let turn = 0; turn < messages; turn++) {
        const message = `load ${runId} ${session.id.slice(0, 8)} #${turn}: how do I embed the widget?`;
        const body = { message, session_id: session.id, visitor_id: visitorId };
        session.sent.push(message);
        try {
          if (mode === "rest") {
            const result = await request(baseUrl, "POST", "/api/chats/messages/chat/", body);
            latencies.push(result.ms);
            if (result.status >= 300) note("chat", result.status, result.json);
          } else {
            const sendAt = performance.timeOrigin + performance.now();
            const result = await postSse(baseUrl, "/api/chats/messages/chat/stream/", body);
            latencies.push(result.ms);
            const first = result.events[0];
            if (first) firstEvent.push(first.at - sendAt);
            if (result.status >= 300) note("chat stream", result.status, result.json);
            else if (result.events.at(-1)?.event !== "done")
              note("chat stream ended without done", result.status, result.events.at(-1));
          }
        } catch (error) {
          otherFailures++;
          if (failures.length < 10) failures.push(`chat: ${String(error)}`);
        }
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;

  // Read back what was stored for these sessions.
  const rows = await db.message.findMany({
    where: { session_id: { in: sessions.map((session) => session.id) } },
    select: { session_id: true, role: true, content: true, status: true },
  });
  let lost = 0;
  let duplicated = 0;
  let badReplies = 0;
  const bySession = new Map<string, typeof rows>();
  for (const row of rows) bySession.set(row.session_id, [...(bySession.get(row.session_id) ?? []), row]);
  for (const session of sessions) {
    const stored = bySession.get(session.id) ?? [];
    const storedUser = new Map<string, number>();
    for (const row of stored.filter((row) => row.role === "user"))
      storedUser.set(row.content, (storedUser.get(row.content) ?? 0) + 1);
    for (const message of session.sent) {
      const count = storedUser.get(message) ?? 0;
      if (count === 0) lost++;
      else if (count > 1) duplicated += count - 1;
      storedUser.delete(message);
    }
    duplicated += [...storedUser.values()].reduce((sum, count) => sum + count, 0); // stored but never sent
    const replies = stored.filter((row) => row.role === "assistant");
    badReplies += Math.abs(replies.length - session.sent.length);
    badReplies += replies.filter((row) => row.status !== "complete" || row.content === "").length;
  }

  return {
    mode,
    visitors,
    messagesPerVisitor: messages,
    sent: sessions.reduce((sum, session) => sum + session.sent.length, 0),
    throughput: latencies.length / elapsedS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    ...(mode === "sse" && {
      firstEventP50: percentile(firstEvent, 50),
      firstEventP99: percentile(firstEvent, 99),
    }),
    status5xx,
    otherFailures,
    lost,
    duplicated,
    badReplies,
    failures,
  };
}
