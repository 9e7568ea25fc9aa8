/**
 * Moves every table between two databases of either dialect (SQLite ⇄ PostgreSQL), and writes/reads the
 * portable backup format (gzip'd NDJSON), for scripts/db-copy.ts, scripts/db-backup.ts and scripts/db-restore.ts.
 *
 * - Tables and their column kinds are read from each database's catalog (sqlite_master / information_schema);
 *   COPIED_TABLES lists them in foreign-key order, and a database with a table not on the list is refused (a
 *   test compares the list with both catalogs, so a migration that adds a table must add it here).
 * - Rows are read in keyset batches by primary key inside one read snapshot of the source (SQLite: one read
 *   transaction, which WAL lets writers continue past; PostgreSQL: REPEATABLE READ), so memory stays constant
 *   and the copy is consistent even while the app writes.
 * - Every value passes through one canonical form (timestamps as ISO UTC, JSON values, booleans, integers as
 *   bigint), so ids, timestamps, JSON, booleans, bigints and enums survive the change of dialect.
 * - Writes are upserts by primary key, one transaction per batch: an interrupted copy is re-run with --force.
 * - Verification: row count and a SHA-256 over the canonical rows in primary-key order (byte order on both
 *   dialects), per table, source (hashed while copying) against target (read back afterwards).
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, readdirSync } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { createGunzip, createGzip } from "node:zlib";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { resolveDatabaseUrl, type Dialect } from "../../src/server/db/database-url";

/** Every application table, parents before children. dbmate's schema_migrations is never copied. */
export const COPIED_TABLES = [
  "visitors",
  "sessions",
  "messages",
  "message_feedback",
  "session_ratings",
  "admin_users",
  "admin_accounts",
  "admin_sessions",
  "admin_invites",
  "admin_verifications",
  "admin_rate_limits",
  "admin_sign_in_throttles",
  "admin_sign_in_attempts",
  "api_keys",
  "job_leases",
  "knowledge_articles",
  "knowledge_vectors",
  "answer_test_suites",
  "answer_test_runs",
  "audit_log",
  "widget_settings",
  "webhook_endpoints",
  "webhook_events",
  "webhook_deliveries",
  "agent_presence",
  "canned_responses",
  "email_outbox",
  "agent_alert_preferences",
  "session_notes",
  "session_labels",
  "attachments",
  "handoff_requests",
] as const;

const MIGRATIONS_TABLE = "schema_migrations";

type Kind = "text" | "integer" | "float" | "boolean" | "datetime" | "json" | "bytes";
/** A value in canonical form: text, bigint, number, boolean, ISO-8601 UTC string (datetime), JSON value. */
type Canonical = unknown;

interface Column {
  name: string;
  kind: Kind;
}
export interface TableInfo {
  name: string;
  /** Sorted by name, so both dialects list them alike whatever order migrations added them in. */
  columns: Column[];
  primaryKey: string[];
  /** Tables this one references (foreign keys). */
  references: string[];
  /** PostgreSQL: columns filled from a sequence (their sequence is moved past the copied values). */
  serialColumns: string[];
}

export interface TableReport {
  table: string;
  rows: number;
  sha256: string;
}

type Log = (line: string) => void;

// ---------------------------------------------------------------------------------------------------------
// Canonical values

const SQLITE_PLAIN_DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/;

function toCanonical(kind: Kind, value: unknown): Canonical {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "datetime": {
      if (value instanceof Date) return value.toISOString();
      if (typeof value === "number" || typeof value === "bigint")
        return new Date(Number(value)).toISOString();
      const text = String(value);
      // SQLite's CURRENT_TIMESTAMP default: UTC without a zone.
      const date = new Date(SQLITE_PLAIN_DATETIME.test(text) ? `${text.replace(" ", "T")}Z` : text);
      if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${text}`);
      return date.toISOString();
    }
    case "json":
      return typeof value === "string" ? (JSON.parse(value) as unknown) : value;
    case "boolean":
      return typeof value === "boolean" ? value : Number(value) !== 0;
    case "integer":
      return BigInt(value as string | number | bigint);
    case "float":
      return Number(value);
    case "bytes":
      if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
      throw new Error("not binary data");
    case "text":
      if (Buffer.isBuffer(value)) throw new Error("binary columns are not supported");
      return String(value);
  }
}

/** Stable JSON: object keys sorted (PostgreSQL's jsonb reorders them), bigints as decimal strings. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    return typeof value === "bigint" ? JSON.stringify(value.toString()) : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(",")}}`;
}

/** The line a row contributes to its table's checksum (and the row's form in a backup file). */
function rowLine(row: Canonical[]): string {
  return stableJson(row);
}

function fromBackupValue(kind: Kind, value: unknown): Canonical {
  if (value === null) return null;
  if (kind === "integer") return BigInt(value as string);
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Dialect sides

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface Side {
  dialect: Dialect;
  tables(): Promise<string[]>;
  table(name: string): Promise<TableInfo>;
  migrations(): Promise<string[]>;
  count(table: string): Promise<number>;
  /** Rows after `after` (primary-key values) in primary-key byte order, canonical, columns as given. */
  readBatch(
    table: TableInfo,
    columns: Column[],
    after: Canonical[] | null,
    limit: number,
  ): Promise<Canonical[][]>;
  /** Upserts canonical rows by primary key in one transaction. */
  writeBatch(table: TableInfo, columns: Column[], rows: Canonical[][]): Promise<void>;
  beginSnapshot(): Promise<void>;
  endSnapshot(): Promise<void>;
  afterLoad(table: TableInfo): Promise<void>;
  close(): Promise<void>;
}

function sqliteKind(declared: string): Kind {
  const type = declared.toUpperCase();
  if (type.includes("DATE") || type.includes("TIME")) return "datetime";
  if (type.includes("JSON")) return "json";
  if (type.includes("BOOL")) return "boolean";
  if (type.includes("INT")) return "integer";
  if (type.includes("REAL") || type.includes("FLOA") || type.includes("DOUB") || type.includes("DECIMAL"))
    return "float";
  if (type.includes("BLOB") || type.includes("BYTES")) return "bytes";
  return "text";
}

function pgKind(dataType: string): Kind {
  if (dataType.startsWith("timestamp") || dataType === "date") return "datetime";
  if (dataType === "json" || dataType === "jsonb") return "json";
  if (dataType === "boolean") return "boolean";
  if (dataType === "bigint" || dataType === "integer" || dataType === "smallint") return "integer";
  if (dataType === "double precision" || dataType === "real" || dataType === "numeric") return "float";
  if (dataType === "bytea") return "bytes";
  return "text"; // text, uuid, character varying, USER-DEFINED (enums)
}

function sqliteEncode(kind: Kind, value: Canonical): unknown {
  if (value === null) return null;
  switch (kind) {
    case "datetime":
      // The format Prisma's SQLite adapter writes and reads.
      return (value as string).replace(/Z$/, "+00:00");
    case "json":
      return JSON.stringify(value);
    case "boolean":
      return value ? 1 : 0;
    case "bytes":
      return Buffer.from(value as string, "base64");
    default:
      return value;
  }
}

function pgEncode(kind: Kind, value: Canonical): unknown {
  if (value === null) return null;
  if (kind === "json") return JSON.stringify(value);
  if (kind === "integer") return (value as bigint).toString();
  if (kind === "bytes") return Buffer.from(value as string, "base64");
  return value;
}

function keysetSql(
  table: TableInfo,
  columns: Column[],
  after: boolean,
  param: (i: number) => string,
  collate: (c: string) => string,
): string {
  const select = columns.map((column) => quote(column.name)).join(", ");
  const keys = table.primaryKey.map((key) => collate(key));
  const where = after
    ? ` WHERE (${keys.join(", ")}) > (${table.primaryKey.map((_, i) => param(i)).join(", ")})`
    : "";
  return `SELECT ${select} FROM ${quote(table.name)}${where} ORDER BY ${keys.join(", ")} LIMIT ${param(after ? table.primaryKey.length : 0)}`;
}

function upsertSql(
  table: TableInfo,
  columns: Column[],
  rowCount: number,
  param: (i: number) => string,
): string {
  const names = columns.map((column) => quote(column.name));
  const values: string[] = [];
  for (let row = 0; row < rowCount; row++) {
    values.push(`(${columns.map((_, i) => param(row * columns.length + i)).join(", ")})`);
  }
  const others = columns.filter((column) => !table.primaryKey.includes(column.name));
  const onConflict =
    others.length === 0
      ? "DO NOTHING"
      : `DO UPDATE SET ${others.map((column) => `${quote(column.name)} = excluded.${quote(column.name)}`).join(", ")}`;
  return `INSERT INTO ${quote(table.name)} (${names.join(", ")}) VALUES ${values.join(", ")} ON CONFLICT (${table.primaryKey.map(quote).join(", ")}) ${onConflict}`;
}

function primaryKeyOf(table: TableInfo, columns: Column[], row: Canonical[]): Canonical[] {
  return table.primaryKey.map((key) => row[columns.findIndex((column) => column.name === key)]);
}

function sqliteSide(file: string): Side {
  const db = new BetterSqlite3(file, { fileMustExist: true, timeout: 10_000 });
  db.pragma("foreign_keys = ON");
  db.defaultSafeIntegers(true);
  const infoCache = new Map<string, TableInfo>();
  const pkIndex = (table: TableInfo, columns: Column[]) =>
    table.primaryKey.map((key) => columns.findIndex((column) => column.name === key));
  return {
    dialect: "sqlite",
    async tables() {
      const rows = db
        .prepare(
          // fts_* tables are SQLite's full-text index of messages (and its shadow tables): derived data the
          // target's triggers rebuild as the messages arrive, never copied.
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'fts\\_%' ESCAPE '\\'",
        )
        .all() as { name: string }[];
      return rows.map((row) => row.name).filter((name) => name !== MIGRATIONS_TABLE);
    },
    async table(name) {
      const cached = infoCache.get(name);
      if (cached) return cached;
      const columns = db.prepare(`PRAGMA table_info(${quote(name)})`).all() as {
        name: string;
        type: string;
        pk: bigint;
      }[];
      const foreign = db.prepare(`PRAGMA foreign_key_list(${quote(name)})`).all() as { table: string }[];
      const info: TableInfo = {
        name,
        columns: columns
          .map((column) => ({ name: column.name, kind: sqliteKind(column.type) }))
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
        primaryKey: columns
          .filter((column) => column.pk > 0n)
          .sort((a, b) => Number(a.pk - b.pk))
          .map((column) => column.name),
        references: [...new Set(foreign.map((key) => key.table))],
        serialColumns: [],
      };
      infoCache.set(name, info);
      return info;
    },
    async migrations() {
      const exists = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(MIGRATIONS_TABLE);
      if (!exists) return [];
      const rows = db.prepare(`SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`).all() as {
        version: string;
      }[];
      return rows.map((row) => String(row.version));
    },
    async count(table) {
      const row = db.prepare(`SELECT COUNT(*) AS n FROM ${quote(table)}`).get() as { n: bigint };
      return Number(row.n);
    },
    async readBatch(table, columns, after, limit) {
      const sql = keysetSql(table, columns, after !== null, () => "?", quote);
      const params = [
        ...(after ?? []).map((value, i) => sqliteEncode(columns[pkIndex(table, columns)[i]!]!.kind, value)),
        limit,
      ];
      const rows = db
        .prepare(sql)
        .raw(true)
        .all(...params) as unknown[][];
      return rows.map((row) => row.map((value, i) => toCanonical(columns[i]!.kind, value)));
    },
    async writeBatch(table, columns, rows) {
      if (rows.length === 0) return;
      const statement = db.prepare(upsertSql(table, columns, rows.length, () => "?"));
      const params = rows.flatMap((row) => row.map((value, i) => sqliteEncode(columns[i]!.kind, value)));
      db.transaction(() => statement.run(...params))();
    },
    async beginSnapshot() {
      db.prepare("BEGIN").run();
      // The snapshot starts at the first read.
      db.prepare("SELECT COUNT(*) FROM sqlite_master").get();
    },
    async endSnapshot() {
      if (db.inTransaction) db.prepare("COMMIT").run();
    },
    async afterLoad() {},
    async close() {
      if (db.inTransaction) db.prepare("ROLLBACK").run();
      db.close();
    },
  };
}

async function postgresSide(url: string): Promise<Side> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const infoCache = new Map<string, TableInfo>();
  // Text columns (keys compare with COLLATE "C", byte order like SQLite; COLLATE on a uuid is an error).
  const textColumns = new Set<string>();
  return {
    dialect: "postgresql",
    async tables() {
      const result = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
      );
      return result.rows.map((row) => row.table_name).filter((name) => name !== MIGRATIONS_TABLE);
    },
    async table(name) {
      const cached = infoCache.get(name);
      if (cached) return cached;
      const columns = await client.query<{
        column_name: string;
        data_type: string;
        column_default: string | null;
      }>(
        `SELECT column_name, data_type, column_default FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1`,
        [name],
      );
      const primaryKey = await client.query<{ attname: string }>(
        `SELECT a.attname FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass AND i.indisprimary
         ORDER BY array_position(i.indkey::int2[], a.attnum)`,
        [name],
      );
      const references = await client.query<{ relname: string }>(
        `SELECT DISTINCT t.relname FROM pg_constraint c JOIN pg_class t ON t.oid = c.confrelid
         WHERE c.contype = 'f' AND c.conrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass`,
        [name],
      );
      const info: TableInfo = {
        name,
        columns: columns.rows
          .map((column) => ({ name: column.column_name, kind: pgKind(column.data_type) }))
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
        primaryKey: primaryKey.rows.map((row) => row.attname),
        references: references.rows.map((row) => row.relname),
        serialColumns: columns.rows
          .filter((column) => column.column_default?.startsWith("nextval("))
          .map((column) => column.column_name),
      };
      for (const column of columns.rows) {
        if (["text", "character varying", "character"].includes(column.data_type))
          textColumns.add(`${name}.${column.column_name}`);
      }
      infoCache.set(name, info);
      return info;
    },
    async migrations() {
      const exists = await client.query(
        `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`,
        [MIGRATIONS_TABLE],
      );
      if (exists.rowCount === 0) return [];
      const result = await client.query<{ version: string }>(
        `SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`,
      );
      return result.rows.map((row) => String(row.version));
    },
    async count(table) {
      const result = await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${quote(table)}`);
      return Number(result.rows[0]!.n);
    },
    async readBatch(table, columns, after, limit) {
      // Byte order for text keys (COLLATE "C"), as SQLite orders them; uuid keys already sort by bytes.
      const collate = (name: string) =>
        textColumns.has(`${table.name}.${name}`) ? `${quote(name)} COLLATE "C"` : quote(name);
      const sql = keysetSql(table, columns, after !== null, (i) => `$${i + 1}`, collate);
      const params = [
        ...(after ?? []).map((value, i) =>
          pgEncode(columns.find((column) => column.name === table.primaryKey[i])!.kind, value),
        ),
        limit,
      ];
      const result = await client
        .query({ text: sql, values: params, rowMode: "array" })
        .catch((error: unknown) => {
          throw new Error(`${String(error)} in ${sql} ${JSON.stringify(params)}`);
        });
      return (result.rows as unknown[][]).map((row) =>
        row.map((value, i) => toCanonical(columns[i]!.kind, value)),
      );
    },
    async writeBatch(table, columns, rows) {
      if (rows.length === 0) return;
      const params = rows.flatMap((row) => row.map((value, i) => pgEncode(columns[i]!.kind, value)));
      await client.query(
        upsertSql(table, columns, rows.length, (i) => `$${i + 1}`),
        params,
      );
    },
    async beginSnapshot() {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    },
    async endSnapshot() {
      await client.query("COMMIT");
    },
    async afterLoad(table) {
      for (const column of table.serialColumns) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(${quote(column)}), 1), MAX(${quote(column)}) IS NOT NULL) FROM ${quote(table.name)}`,
          [table.name, column],
        );
      }
    },
    async close() {
      await client.end();
    },
  };
}

export async function openSide(databaseUrl: string): Promise<Side> {
  const target = resolveDatabaseUrl(databaseUrl);
  if (target.dialect === "sqlite") return sqliteSide(target.adapterUrl);
  return postgresSide(target.adapterUrl);
}

/** Migration files of the database's dialect that it has not applied (dbmate versions: the file name's digits). */
async function pendingMigrations(side: Side, databaseUrl: string): Promise<string[]> {
  const applied = new Set(await side.migrations());
  return readdirSync(resolveDatabaseUrl(databaseUrl).migrationsDir)
    .filter((file) => file.endsWith(".sql"))
    .map((file) => file.split("_")[0]!)
    .filter((version) => !applied.has(version));
}

// ---------------------------------------------------------------------------------------------------------
// Checks shared by copy, backup and restore

/** The database's tables in COPIED_TABLES order; throws when it has a table the copier does not know. */
export async function coveredTables(side: Side): Promise<TableInfo[]> {
  const present = await side.tables();
  const unknown = present.filter((name) => !(COPIED_TABLES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `the database has tables the copier does not know: ${unknown.join(", ")} (add them to COPIED_TABLES in scripts/lib/db-copy.ts)`,
    );
  }
  const missing = COPIED_TABLES.filter((name) => !present.includes(name));
  if (missing.length > 0) {
    throw new Error(`the database lacks tables ${missing.join(", ")}: is it migrated (npm run db:migrate)?`);
  }
  const infos: TableInfo[] = [];
  for (const name of COPIED_TABLES) infos.push(await side.table(name));
  return infos;
}

async function rowCounts(side: Side, tables: TableInfo[]): Promise<number> {
  let total = 0;
  for (const table of tables) total += await side.count(table.name);
  return total;
}

async function refuseNonEmpty(side: Side, tables: TableInfo[], force: boolean): Promise<void> {
  const rows = await rowCounts(side, tables);
  if (rows > 0 && !force) {
    throw new Error(
      `the target already holds ${rows} rows: refusing to copy into it. Re-run with --force to upsert by id ` +
        `(e.g. to finish an interrupted copy; rows only in the target are kept and fail verification).`,
    );
  }
}

/** Row count and SHA-256 of a table's canonical rows (the given columns) in primary-key order. */
export async function tableChecksum(
  side: Side,
  table: TableInfo,
  columns: Column[] = table.columns,
  batchSize = 1000,
): Promise<TableReport> {
  const hash = createHash("sha256");
  let rows = 0;
  let after: Canonical[] | null = null;
  for (;;) {
    const batch = await side.readBatch(table, columns, after, batchSize);
    for (const row of batch) hash.update(`${rowLine(row)}\n`);
    rows += batch.length;
    if (batch.length < batchSize) break;
    after = primaryKeyOf(table, columns, batch[batch.length - 1]!);
  }
  return { table: table.name, rows, sha256: hash.digest("hex") };
}

export async function databaseChecksums(databaseUrl: string): Promise<TableReport[]> {
  const side = await openSide(databaseUrl);
  try {
    const tables = await coveredTables(side);
    const reports: TableReport[] = [];
    for (const table of tables) reports.push(await tableChecksum(side, table));
    return reports;
  } finally {
    await side.close();
  }
}

function compare(expected: TableReport[], actual: TableReport[]): string[] {
  const problems: string[] = [];
  for (const want of expected) {
    const got = actual.find((report) => report.table === want.table);
    if (!got) problems.push(`${want.table}: missing`);
    else if (got.rows !== want.rows) problems.push(`${want.table}: ${got.rows} rows, expected ${want.rows}`);
    else if (got.sha256 !== want.sha256) problems.push(`${want.table}: checksum differs`);
  }
  return problems;
}

function sameColumns(source: TableInfo, target: TableInfo): void {
  const names = (table: TableInfo) => table.columns.map((column) => column.name).join(",");
  if (names(source) !== names(target)) {
    throw new Error(
      `${source.name}: columns differ (source ${names(source)}; target ${names(target)}): are both databases at the same migration?`,
    );
  }
}

function rate(rows: number, startedAt: number): string {
  const seconds = (performance.now() - startedAt) / 1000;
  return `${Math.round(rows / Math.max(seconds, 0.001))} rows/s`;
}

// ---------------------------------------------------------------------------------------------------------
// Copy

export interface CopyOptions {
  from: string;
  to: string;
  force?: boolean;
  batchSize?: number;
  log?: Log;
  /** Tests: fail after this many batches were written (an interrupted copy). */
  failAfterBatches?: number;
}

export interface CopyResult {
  tables: TableReport[];
  rows: number;
  seconds: number;
}

/** Copies every table from `from` into `to` (both migrated to the same version) and verifies the result. */
export async function copyDatabase(options: CopyOptions): Promise<CopyResult> {
  const log = options.log ?? (() => {});
  const batchSize = options.batchSize ?? 1000;
  const source = await openSide(options.from);
  let target: Side | undefined;
  try {
    target = await openSide(options.to);
    for (const [side, url, role] of [
      [source, options.from, "source"],
      [target, options.to, "target"],
    ] as const) {
      const pending = await pendingMigrations(side, url);
      if (pending.length > 0) {
        throw new Error(
          `the ${role} is not at the latest migration (pending: ${pending.join(", ")}): run npm run db:migrate on it first`,
        );
      }
    }
    const sourceTables = await coveredTables(source);
    const targetTables = await coveredTables(target);
    sourceTables.forEach((table, i) => sameColumns(table, targetTables[i]!));
    await refuseNonEmpty(target, targetTables, options.force ?? false);

    const started = performance.now();
    const expected: TableReport[] = [];
    let batches = 0;
    let total = 0;
    await source.beginSnapshot();
    for (const [i, table] of sourceTables.entries()) {
      const targetTable = targetTables[i]!;
      const rows = await source.count(table.name);
      const hash = createHash("sha256");
      let copied = 0;
      let after: Canonical[] | null = null;
      const tableStarted = performance.now();
      for (;;) {
        const batch = await source.readBatch(table, table.columns, after, batchSize);
        await target.writeBatch(targetTable, table.columns, batch);
        for (const row of batch) hash.update(`${rowLine(row)}\n`);
        copied += batch.length;
        batches += 1;
        if (batch.length > 0 && (copied % (batchSize * 10) === 0 || batch.length < batchSize)) {
          log(`  ${table.name}: ${copied}/${rows} rows (${rate(copied, tableStarted)})`);
        }
        if (options.failAfterBatches !== undefined && batches >= options.failAfterBatches) {
          throw new Error(`injected failure after ${batches} batches`);
        }
        if (batch.length < batchSize) break;
        after = primaryKeyOf(table, table.columns, batch[batch.length - 1]!);
      }
      await target.afterLoad(targetTable);
      if (copied === 0) log(`  ${table.name}: 0 rows`);
      expected.push({ table: table.name, rows: copied, sha256: hash.digest("hex") });
      total += copied;
    }
    await source.endSnapshot();

    log("verifying row counts and checksums …");
    const actual: TableReport[] = [];
    for (const table of targetTables)
      actual.push(await tableChecksum(target, table, table.columns, batchSize));
    const problems = compare(expected, actual);
    if (problems.length > 0) throw new Error(`verification failed:\n  ${problems.join("\n  ")}`);
    const seconds = (performance.now() - started) / 1000;
    log(`copied ${total} rows in ${seconds.toFixed(1)} s (${rate(total, started)}); every table verified`);
    return { tables: expected, rows: total, seconds };
  } finally {
    await target?.close();
    await source.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Portable backup: gzip'd NDJSON. Line 1 a header; per table a {"table"} line, one JSON array per row (canonical
// values, bigints as strings), and an {"end"} line with the row count and checksum.

const BACKUP_FORMAT = "visitor-chat-backup";

interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  dialect: Dialect;
  migrations: string[];
  tables: { name: string; columns: Column[] }[];
}

export async function writeBackup(options: {
  from: string;
  file: string;
  batchSize?: number;
  log?: Log;
}): Promise<TableReport[]> {
  const log = options.log ?? (() => {});
  const batchSize = options.batchSize ?? 1000;
  const source = await openSide(options.from);
  const gzip = createGzip();
  const output = createWriteStream(options.file);
  const finished = once(output, "close");
  gzip.pipe(output);
  const write = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, "drain");
  };
  try {
    const tables = await coveredTables(source);
    await source.beginSnapshot();
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: 1,
      createdAt: new Date().toISOString(),
      dialect: source.dialect,
      migrations: await source.migrations(),
      tables: tables.map((table) => ({ name: table.name, columns: table.columns })),
    };
    await write(JSON.stringify(header));
    const reports: TableReport[] = [];
    for (const table of tables) {
      await write(JSON.stringify({ table: table.name }));
      const hash = createHash("sha256");
      let rows = 0;
      let after: Canonical[] | null = null;
      for (;;) {
        const batch = await source.readBatch(table, table.columns, after, batchSize);
        for (const row of batch) {
          const line = rowLine(row);
          hash.update(`${line}\n`);
          await write(line);
        }
        rows += batch.length;
        if (batch.length < batchSize) break;
        after = primaryKeyOf(table, table.columns, batch[batch.length - 1]!);
      }
      const report = { table: table.name, rows, sha256: hash.digest("hex") };
      await write(JSON.stringify({ end: table.name, rows, sha256: report.sha256 }));
      log(`  ${table.name}: ${rows} rows`);
      reports.push(report);
    }
    await source.endSnapshot();
    gzip.end();
    await finished;
    return reports;
  } catch (error) {
    gzip.destroy();
    output.destroy();
    throw error;
  } finally {
    await source.close();
  }
}

/** SQLite only: a page-level copy through SQLite's online backup API (safe while the app writes). */
export async function sqliteFileBackup(databaseUrl: string, file: string): Promise<void> {
  const target = resolveDatabaseUrl(databaseUrl);
  if (target.dialect !== "sqlite")
    throw new Error("a .db backup needs an SQLite source; use a .ndjson.gz file");
  const db = new BetterSqlite3(target.adapterUrl, { fileMustExist: true, timeout: 10_000 });
  try {
    // All remaining pages in one step: a step-by-step copy restarts whenever another connection writes, and
    // under steady writes would never finish. One step reads one WAL snapshot; writers are not blocked.
    await db.backup(file, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
}

export async function readBackup(options: {
  file: string;
  to: string;
  force?: boolean;
  batchSize?: number;
  log?: Log;
}): Promise<TableReport[]> {
  const log = options.log ?? (() => {});
  const batchSize = options.batchSize ?? 1000;
  const target = await openSide(options.to);
  const lines = createInterface({
    input: createReadStream(options.file).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  try {
    const iterator = lines[Symbol.asyncIterator]();
    const first = await iterator.next();
    const header = (first.done ? null : JSON.parse(first.value)) as BackupHeader | null;
    if (header?.format !== BACKUP_FORMAT || header.version !== 1)
      throw new Error(`${options.file} is not a backup of this app`);
    // Versions are timestamps; the dialects' migration lists differ (a change may need SQL on one only).
    const newestTarget = (await target.migrations()).at(-1) ?? "";
    const newestBackup = header.migrations.at(-1) ?? "";
    if (newestBackup > newestTarget) {
      throw new Error(
        `the backup is from a newer version (migration ${newestBackup}): upgrade the app first`,
      );
    }
    const targetTables = await coveredTables(target);
    await refuseNonEmpty(target, targetTables, options.force ?? false);
    const reports: TableReport[] = [];
    let table: TableInfo | undefined;
    let columns: Column[] = [];
    let batch: Canonical[][] = [];
    let hash = createHash("sha256");
    let rows = 0;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const line = next.value;
      if (line.startsWith("[")) {
        if (!table) throw new Error("backup: a row before its table");
        const raw = JSON.parse(line) as unknown[];
        batch.push(raw.map((value, i) => fromBackupValue(columns[i]!.kind, value)));
        hash.update(`${line}\n`);
        rows += 1;
        if (batch.length >= batchSize) {
          await target.writeBatch(table, columns, batch);
          batch = [];
        }
        continue;
      }
      const marker = JSON.parse(line) as { table?: string; end?: string; rows?: number; sha256?: string };
      if (marker.table) {
        table = targetTables.find((candidate) => candidate.name === marker.table);
        if (!table) throw new Error(`backup: table ${marker.table} does not exist in the target`);
        const declared = header.tables.find((entry) => entry.name === marker.table)!;
        columns = declared.columns.map((column) => {
          if (!table!.columns.some((present) => present.name === column.name)) {
            throw new Error(`backup: column ${marker.table}.${column.name} does not exist in the target`);
          }
          return column;
        });
        hash = createHash("sha256");
        rows = 0;
      } else if (marker.end && table) {
        await target.writeBatch(table, columns, batch);
        batch = [];
        const digest = hash.digest("hex");
        if (marker.rows !== rows || marker.sha256 !== digest) {
          throw new Error(`backup: ${marker.end} is damaged (${rows} rows read, ${marker.rows} written)`);
        }
        await target.afterLoad(table);
        const loaded = await tableChecksum(target, table, columns, batchSize);
        if (loaded.rows !== rows || loaded.sha256 !== digest) {
          throw new Error(
            `restore verification failed for ${marker.end}: ${loaded.rows} rows, expected ${rows}`,
          );
        }
        log(`  ${marker.end}: ${rows} rows restored and verified`);
        reports.push(loaded);
        table = undefined;
      }
    }
    if (reports.length !== header.tables.length) throw new Error("backup: the file ends early (truncated?)");
    return reports;
  } finally {
    lines.close();
    await target.close();
  }
}

/** Which tables a database holds beyond the copier's list (tests compare the catalogs with COPIED_TABLES). */
export async function catalogTables(databaseUrl: string): Promise<{ tables: string[]; infos: TableInfo[] }> {
  const side = await openSide(databaseUrl);
  try {
    const tables = (await side.tables()).sort();
    const infos: TableInfo[] = [];
    for (const name of tables) infos.push(await side.table(name));
    return { tables, infos };
  } finally {
    await side.close();
  }
}
