/**
 * Conversation search at scale (issue 26, item 6): p50/p95 of `GET /api/admin/sessions/?q=…` through the domain
 * function (listAdminSessions, what the route calls) with 1,000,000 stored messages across 50,000 sessions, on
 * SQLite (FTS5) and PostgreSQL (GIN on to_tsvector('simple', content)). Not part of the test suite.
 *
 *   npx tsx bench/search-1m.ts [--messages 1000000] [--sessions 50000] [--samples 5] [--dialect sqlite,postgresql]
 *     [--keep] [--sqlite-url file:…] [--postgresql-url postgresql://…]
 *
 * `--keep` leaves the seeded databases in place and prints their URLs; `--<dialect>-url` benches such a database
 * again without seeding (e.g. before and after a change, on one seed). Drop them by hand afterwards.
 *
 * Seeding is bulk SQL on a freshly migrated database (SQLite: one prepared INSERT in one transaction, the FTS5
 * triggers indexing as rows arrive; PostgreSQL: INSERT … SELECT unnest(…) in batches of 10,000, then ANALYZE).
 * Message text: 8–20 words, from 120 everyday support words (Zipf-weighted: "the" is in most messages) and a
 * tail of 20,000 made-up rare words. The queries: common words, rare words, prefixes, two words, no match, and
 * a search combined with a label filter. Each query is run once to warm up, then --samples times.
 */
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { randomUUID } from "node:crypto";
import { listAdminSessions } from "~/server/admin/sessions/session-admin.service";
import { listAdminSessionsInputSchema } from "~/server/admin/sessions/session-admin.schema";
import { openDatabase } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import { createTestDatabase } from "../testing/test-database";
import { testDeps } from "../tests/helpers/deps";
import { fmt, intFlag, machineLine, parseFlags, percentile, printTable } from "./lib";

const COMMON = (
  "the to i a my you is it and for of in can not how do on with this your we have be are please what chat " +
  "widget account password reset invoice refund order payment shipping delivery parcel tracking number email " +
  "help thanks hello login error page price plan upgrade cancel subscription card charge double billing " +
  "support agent person problem issue working broken mobile app browser settings language update export data " +
  "delete privacy address phone time today yesterday week month again still wait sorry sure great fine " +
  "customer team name website link download file upload image pdf report bug feature request question answer " +
  "colour theme button install embed script"
).split(" ");
const RARE_WORDS = 20_000;

/** A deterministic pseudo-random generator (mulberry32), so every run seeds the same text. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rareWord(n: number): string {
  const letters = "bcdfghjklmnpqrstvwxz";
  let word = "";
  for (let value = n + 20 * 20; value > 0; value = Math.floor(value / 20))
    word += letters[value % 20]! + "aeiou"[value % 5]!;
  return word;
}

function messageText(random: () => number): string {
  const length = 8 + Math.floor(random() * 13);
  const words: string[] = [];
  for (let n = 0; n < length; n += 1) {
    if (random() < 0.06) words.push(rareWord(Math.floor(RARE_WORDS * random() ** 2)));
    else words.push(COMMON[Math.floor(COMMON.length * random() ** 2.2)]!);
  }
  return words.join(" ");
}

const QUERIES: Record<string, string>[] = [
  { q: "the" },
  { q: "widget" },
  { q: "password" },
  { q: "password reset" },
  { q: "invoice refund" },
  { q: "double charge" },
  { q: "shipping parcel tracking" },
  { q: "embed script" },
  { q: "colour" },
  { q: "privacy" },
  { q: "pass" },
  { q: "subscr" },
  { q: "in" },
  { q: rareWord(3) },
  { q: rareWord(150) },
  { q: rareWord(2500) },
  { q: rareWord(9000) },
  { q: rareWord(19_000) },
  { q: `${rareWord(40)} the` },
  { q: rareWord(700).slice(0, 5) },
  { q: "zzzqqq" },
  { q: "refund", label: "billing" },
  { q: "error", mode: "agent" },
  { q: `"NEAR( AND*` },
];

async function seed(dialect: Dialect, url: string, messages: number, sessions: number): Promise<void> {
  const random = rng(42);
  const perSession = Math.ceil(messages / sessions);
  const visitors = Math.ceil(sessions / 10);
  const start = Date.UTC(2026, 0, 1);
  const minute = 60_000;
  const visitorIds = Array.from({ length: visitors }, () => randomUUID());
  const sessionIds = Array.from({ length: sessions }, () => randomUUID());
  const sessionAt = (s: number) => new Date(start + s * 10 * minute);
  const messageAt = (s: number, m: number) => new Date(start + s * 10 * minute + m * 1000);
  const roleOf = (m: number) => (m % 4 === 3 ? "agent" : m % 2 === 0 ? "user" : "assistant");
  const modeOf = (s: number) => (s % 7 === 0 ? "agent" : s % 5 === 0 ? "closed" : "bot");
  let written = 0;
  if (dialect === "sqlite") {
    const db = new BetterSqlite3(url.replace(/^file:/, ""));
    db.pragma("journal_mode = WAL");
    const iso = (date: Date) => date.toISOString().replace("Z", "+00:00");
    const insertVisitor = db.prepare(
      "INSERT INTO visitors (id, created_at, last_seen_at, metadata) VALUES (?, ?, ?, '{}')",
    );
    const insertSession = db.prepare(
      "INSERT INTO sessions (id, visitor_id, created_at, updated_at, mode) VALUES (?, ?, ?, ?, ?)",
    );
    const insertLabel = db.prepare(
      "INSERT INTO session_labels (session_id, label, created_at) VALUES (?, ?, ?)",
    );
    const insertMessage = db.prepare(
      "INSERT INTO messages (id, session_id, role, content, status, sources, created_at, saved_at) VALUES (?, ?, ?, ?, 'complete', '[]', ?, ?)",
    );
    db.transaction(() => {
      for (const id of visitorIds) insertVisitor.run(id, iso(new Date(start)), iso(new Date(start)));
      for (const [s, id] of sessionIds.entries()) {
        insertSession.run(
          id,
          visitorIds[s % visitors],
          iso(sessionAt(s)),
          iso(messageAt(s, perSession)),
          modeOf(s),
        );
        if (s % 3 === 0) insertLabel.run(id, "billing", iso(sessionAt(s)));
        for (let m = 0; m < perSession && written < messages; m += 1, written += 1) {
          const at = iso(messageAt(s, m));
          insertMessage.run(randomUUID(), id, roleOf(m), messageText(random), at, at);
        }
      }
    })();
    db.exec("ANALYZE");
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO visitors (id, created_at, last_seen_at, metadata) SELECT unnest($1::uuid[]), $2, $2, '{}'`,
      [visitorIds, new Date(start)],
    );
    for (let from = 0; from < sessions; from += 10_000) {
      const batch = sessionIds.slice(from, from + 10_000);
      await client.query(
        `INSERT INTO sessions (id, visitor_id, created_at, updated_at, mode)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::"SessionMode"[])`,
        [
          batch,
          batch.map((_, n) => visitorIds[(from + n) % visitors]),
          batch.map((_, n) => sessionAt(from + n)),
          batch.map((_, n) => messageAt(from + n, perSession)),
          batch.map((_, n) => modeOf(from + n)),
        ],
      );
      const labelled = batch.filter((_, n) => (from + n) % 3 === 0);
      await client.query(
        `INSERT INTO session_labels (session_id, label, created_at) SELECT unnest($1::uuid[]), 'billing', now()`,
        [labelled],
      );
    }
    let rows: { id: string; session: string; role: string; content: string; at: Date }[] = [];
    const flush = async () => {
      if (rows.length === 0) return;
      await client.query(
        `INSERT INTO messages (id, session_id, role, content, status, sources, created_at, saved_at)
         SELECT id, session_id, role, content, 'complete', '[]', at, at
         FROM unnest($1::uuid[], $2::uuid[], $3::"MessageRole"[], $4::text[], $5::timestamptz[])
           AS t(id, session_id, role, content, at)`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.session),
          rows.map((r) => r.role),
          rows.map((r) => r.content),
          rows.map((r) => r.at),
        ],
      );
      rows = [];
    };
    for (const [s, id] of sessionIds.entries())
      for (let m = 0; m < perSession && written < messages; m += 1, written += 1) {
        rows.push({
          id: randomUUID(),
          session: id,
          role: roleOf(m),
          content: messageText(random),
          at: messageAt(s, m),
        });
        if (rows.length === 10_000) await flush();
      }
    await flush();
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
}

async function benchDialect(
  dialect: Dialect,
  messages: number,
  sessions: number,
  samples: number,
  /** A database seeded by an earlier `--keep` run (before/after comparisons on one seed), or a fresh one. */
  reuse: string | undefined,
  keep: boolean,
) {
  const testDatabase = reuse
    ? { dialect, url: reuse, drop: async () => {} }
    : await createTestDatabase(dialect);
  if (!reuse) {
    const seeding = performance.now();
    await seed(dialect, testDatabase.url, messages, sessions);
    console.log(
      `${dialect}: seeded ${messages} messages in ${sessions} sessions in ${fmt((performance.now() - seeding) / 1000)} s · ${machineLine()}`,
    );
  } else console.log(`${dialect}: reusing ${reuse}`);
  if (keep && !reuse) console.log(`${dialect}: kept for --${dialect}-url ${testDatabase.url}`);
  const database = await openDatabase(testDatabase.url);
  const deps = testDeps(database);
  const all: number[] = [];
  const rows: (string | number)[][] = [];
  try {
    for (const query of QUERIES) {
      const input = listAdminSessionsInputSchema.parse({ ...query, limit: "50" });
      const times: number[] = [];
      let found = 0;
      for (let n = 0; n <= samples; n += 1) {
        const started = performance.now();
        const page = await listAdminSessions(deps, input, "bench");
        const ms = performance.now() - started;
        found = page.items.length;
        if (n > 0) times.push(ms);
      }
      all.push(...times);
      rows.push([JSON.stringify(query), found, fmt(percentile(times, 50)), fmt(percentile(times, 95))]);
    }
  } finally {
    await database.close();
    if (!keep && !reuse) await testDatabase.drop();
  }
  printTable(
    `${dialect}: listAdminSessions with q (limit 50), ${samples} samples each`,
    ["query", "results", "p50 ms", "p95 ms"],
    rows,
  );
  const p50 = percentile(all, 50);
  const p95 = percentile(all, 95);
  console.log(
    `${dialect}: all ${all.length} searches: p50 ${fmt(p50)} ms, p95 ${fmt(p95)} ms · ${p95 <= 200 ? "PASS" : "MISS"} (target p95 ≤ 200 ms) · ${machineLine()}`,
  );
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const messages = intFlag(flags, "messages", 1_000_000);
  const sessions = intFlag(flags, "sessions", 50_000);
  const samples = intFlag(flags, "samples", 5);
  const dialects = (flags.dialect ?? "sqlite,postgresql").split(",") as Dialect[];
  console.log(`conversation search: ${messages} messages, ${sessions} sessions · ${machineLine()}`);
  for (const dialect of dialects)
    await benchDialect(dialect, messages, sessions, samples, flags[`${dialect}-url`], flags.keep === "true");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
