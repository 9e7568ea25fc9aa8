/**
 * The smallest tRPC `visitors.create` a Next.js app can have: tRPC's fetch adapter inside a route handler, zod
 * input and output, one prepared SQLite insert (better-sqlite3, WAL, synchronous NORMAL, as the app's SQLite).
 * No middleware, no context, no rate limit, no ORM: bench/throughput.ts --reference measures it against its own
 * 404 (a procedure that does not exist) beside the app's figures.
 */
import { randomUUID } from "node:crypto";
import { initTRPC } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import Database from "better-sqlite3";
import { z } from "zod";

const db = new Database(process.env.REFERENCE_DB ?? ":memory:");
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec(
  "CREATE TABLE IF NOT EXISTS visitors (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, metadata TEXT NOT NULL)",
);
const insert = db.prepare(
  "INSERT INTO visitors (id, created_at, last_seen_at, metadata) VALUES (?, ?, ?, ?)",
);

const metadata = z.record(z.string(), z.unknown());
const visitor = z.object({ id: z.string(), created_at: z.string(), last_seen_at: z.string(), metadata });

const t = initTRPC.create();
const router = t.router({
  visitors: t.router({
    create: t.procedure
      .input(z.object({ metadata: metadata.optional() }))
      .output(visitor)
      .mutation(({ input }) => {
        const now = new Date().toISOString();
        const row = { id: randomUUID(), created_at: now, last_seen_at: now, metadata: input.metadata ?? {} };
        insert.run(row.id, row.created_at, row.last_seen_at, JSON.stringify(row.metadata));
        return row;
      }),
  }),
});

function handler(req: Request) {
  return fetchRequestHandler({ endpoint: "/api/trpc", req, router, createContext: () => ({}) });
}

export { handler as GET, handler as POST };
