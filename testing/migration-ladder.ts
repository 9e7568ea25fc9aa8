/**
 * The migration ladder (upgrade safety): for each migration of a dialect, a database built at that version
 * (dbmate applying the migrations up to it), filled with rows of that version, then upgraded with the remaining
 * migrations; every row that existed must still be there with the same values (new columns aside).
 *
 * Rows come from the catalog, so a new table needs nothing here: every column gets a value of its type (ids as
 * UUIDs, foreign keys pointing at rows of the parent, enums from the catalog on PostgreSQL and from
 * prisma/schema.prisma on SQLite, nullable columns NULL on odd rows). A table the filler cannot fill (a CHECK
 * constraint, a column with a format) fails the ladder, naming it: give the column values, or hand-written rows,
 * in a step file `tests/migration-ladder/<migration file name without .sql>.ts` exporting `step: LadderStep`
 * (tests/migration-ladder.test.ts loads every file there). A step can also say what its migration changes in rows
 * that existed before it (`expect`), e.g. a column filled from another one.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { resolveDatabaseUrl, type Dialect } from "~/server/db/database-url";

export type Row = Record<string, unknown>;
/** Rows of every table, by table name; values in a canonical form (dates ISO, JSON parsed, booleans, numbers). */
export type Snapshot = Map<string, Row[]>;

export interface SqlRunner {
  dialect: Dialect;
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export interface LadderStep {
  /** Values for columns the filler cannot invent, by "table.column", for row number `row` (0, 1, 2 …). */
  values?: Record<string, (row: number, dialect: Dialect) => unknown>;
  /** Extra rows, inserted after the generic fill of every version that has this step's migration applied. */
  fill?(sql: SqlRunner): Promise<void>;
  /**
   * What this migration does to rows that existed before it, applied to the expected snapshot: e.g. a new
   * column filled from another (the generic check ignores new columns; this can pin their values), a table
   * renamed. Default: existing rows keep every value.
   */
  expect?(expected: Snapshot, after: Snapshot, dialect: Dialect): void;
}

export interface Column {
  name: string;
  /** PostgreSQL udt_name or SQLite declared type, lower case. */
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  /** Enum labels (PostgreSQL user-defined enum, or the Prisma enum of a SQLite column). */
  enumValues?: string[];
  references?: { table: string; column: string };
}

export interface TableShape {
  name: string;
  columns: Column[];
}

export const ROWS_PER_TABLE = 3;

/** The migration files of a dialect, in order. */
export function migrationFiles(dialect: Dialect): string[] {
  const dir = path.join("prisma", "migrations", dialect);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort();
}

/** Applies the dialect's migrations, up to and including `through` (a file name), or all of them. */
export function migrateTo(databaseUrl: string, through?: string): void {
  const target = resolveDatabaseUrl(databaseUrl);
  const files = migrationFiles(target.dialect);
  const upTo = through === undefined ? files.length : files.indexOf(through) + 1;
  if (upTo === 0) throw new Error(`no migration ${through}`);
  const dir = mkdtempSync(path.join(tmpdir(), "ladder-migrations-"));
  try {
    for (const file of files.slice(0, upTo))
      copyFileSync(path.join(target.migrationsDir, file), path.join(dir, file));
    const result = spawnSync(
      path.join("node_modules", ".bin", "dbmate"),
      ["--migrations-dir", dir, "--no-dump-schema", "up"],
      { encoding: "utf8", env: { ...process.env, DATABASE_URL: target.dbmateUrl } },
    );
    if (result.status !== 0) throw new Error(`dbmate up to ${through ?? "the end"} failed: ${result.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function openRunner(databaseUrl: string): Promise<SqlRunner> {
  const target = resolveDatabaseUrl(databaseUrl);
  if (target.dialect === "sqlite") {
    const db = new BetterSqlite3(target.adapterUrl);
    db.pragma("foreign_keys = ON");
    return {
      dialect: "sqlite",
      query: async (sql, params = []) => {
        const statement = db.prepare(sql);
        return statement.reader ? (statement.all(...params) as Row[]) : (statement.run(...params), []);
      },
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: target.adapterUrl });
  await client.connect();
  return {
    dialect: "postgresql",
    query: async (sql, params = []) => (await client.query(sql, params)).rows as Row[],
    close: () => client.end(),
  };
}

/** Enum labels of each "table.column" of SQLite, read from prisma/schema.prisma (SQLite stores enums as TEXT). */
function prismaEnumColumns(): Map<string, string[]> {
  const schema = readFileSync(path.join("prisma", "schema.prisma"), "utf8");
  const enums = new Map<string, string[]>();
  for (const match of schema.matchAll(/^enum (\w+) \{([^}]*)\}/gm)) {
    const labels = match[2]!
      .split("\n")
      .map((line) => line.replace(/\/\/.*$/, "").trim())
      .filter((line) => /^\w+$/.test(line));
    enums.set(match[1]!, labels);
  }
  const columns = new Map<string, string[]>();
  for (const match of schema.matchAll(/^model (\w+) \{([^}]*)\}/gm)) {
    const body = match[2]!;
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? match[1]!;
    for (const line of body.split("\n")) {
      const field = /^\s*(\w+)\s+(\w+)(\?)?\s*(.*)$/.exec(line);
      if (!field || !enums.has(field[2]!)) continue;
      const column = /@map\("([^"]+)"\)/.exec(field[4] ?? "")?.[1] ?? field[1]!;
      columns.set(`${table}.${column}`, enums.get(field[2]!)!);
    }
  }
  return columns;
}

/** The application tables and their columns, as the database is now (dbmate's table left out). */
export async function readCatalog(sql: SqlRunner): Promise<TableShape[]> {
  if (sql.dialect === "sqlite") {
    const enums = prismaEnumColumns();
    const names = (
      await sql.query(
        // fts_* : the full-text index of messages and its shadow tables, derived data kept by triggers.
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'fts\\_%' ESCAPE '\\' AND name <> 'schema_migrations' ORDER BY name",
      )
    ).map((row) => String(row.name));
    const tables: TableShape[] = [];
    for (const name of names) {
      const foreign = await sql.query(`SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)`, [name]);
      const info = await sql.query(`SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, [name]);
      tables.push({
        name,
        columns: info.map((column) => {
          const key = foreign.find((fk) => fk.from === column.name);
          return {
            name: String(column.name),
            type: String(column.type).toLowerCase(),
            nullable: Number(column.notnull) === 0 && Number(column.pk) === 0,
            primaryKey: Number(column.pk) > 0,
            enumValues: enums.get(`${name}.${String(column.name)}`),
            references: key ? { table: String(key.table), column: String(key.to) } : undefined,
          };
        }),
      });
    }
    return tables;
  }
  const columns = await sql.query(
    `SELECT c.table_name, c.column_name, c.udt_name, c.is_nullable,
            (SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
              WHERE t.typname = c.udt_name) AS enum_values
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> 'schema_migrations'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const keys = await sql.query(
    `SELECT tc.table_name, kcu.column_name, tc.constraint_type, ccu.table_name AS ref_table, ccu.column_name AS ref_column
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu
         ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
       LEFT JOIN information_schema.constraint_column_usage ccu
         ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema AND tc.constraint_type = 'FOREIGN KEY'
      WHERE tc.table_schema = 'public' AND tc.constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')`,
  );
  const tables = new Map<string, TableShape>();
  for (const column of columns) {
    const table = String(column.table_name);
    if (!tables.has(table)) tables.set(table, { name: table, columns: [] });
    const own = keys.filter((key) => key.table_name === table && key.column_name === column.column_name);
    const foreign = own.find((key) => key.constraint_type === "FOREIGN KEY");
    tables.get(table)!.columns.push({
      name: String(column.column_name),
      type: String(column.udt_name).toLowerCase(),
      nullable: column.is_nullable === "YES",
      primaryKey: own.some((key) => key.constraint_type === "PRIMARY KEY"),
      enumValues: (column.enum_values as string[] | null) ?? undefined,
      references: foreign
        ? { table: String(foreign.ref_table), column: String(foreign.ref_column) }
        : undefined,
    });
  }
  return [...tables.values()];
}

/** Parents before children (foreign keys), then by name. */
export function fillOrder(tables: TableShape[]): TableShape[] {
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  const remaining = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  while (remaining.length > 0) {
    const index = remaining.findIndex((table) =>
      table.columns.every(
        (column) =>
          !column.references || column.references.table === table.name || placed.has(column.references.table),
      ),
    );
    if (index < 0)
      throw new Error(`foreign keys form a cycle among ${remaining.map((table) => table.name).join(", ")}`);
    const [table] = remaining.splice(index, 1);
    ordered.push(table!);
    placed.add(table!.name);
  }
  return ordered;
}

const BASE_TIME = Date.UTC(2026, 0, 15, 9, 30, 0, 123);

/** A value of the column's type for row `row` of `table` (undefined: the filler has no value for this type). */
function syntheticValue(dialect: Dialect, table: string, column: Column, row: number): unknown {
  if (column.enumValues && column.enumValues.length > 0)
    return column.enumValues[row % column.enumValues.length];
  const type = column.type;
  const time = new Date(BASE_TIME + row * 61_001 + table.length * 1000);
  if (/^(uuid)$/.test(type) || (column.primaryKey && /text|char/.test(type) && column.name === "id"))
    return randomUUID();
  if (/timestamp|datetime|date/.test(type))
    return dialect === "sqlite" ? time.toISOString().replace("Z", "+00:00") : time;
  if (/json/.test(type)) {
    const value = { row, note: `${table}.${column.name} «${row}» "quoted", comma` };
    return dialect === "sqlite" ? JSON.stringify(value) : JSON.stringify(value);
  }
  if (/^bool/.test(type)) return dialect === "sqlite" ? row % 2 : row % 2 === 1;
  if (/int|numeric|real|double|float/.test(type)) return row + 1 + (/big|int8/.test(type) ? 2 ** 40 : 0);
  if (/text|char|clob|varchar/.test(type)) return `${table}.${column.name}.${row} ü "q", ‘x’`;
  if (/blob|bytea/.test(type)) return Buffer.from([row, 0, 255]);
  return undefined;
}

/**
 * Inserts ROWS_PER_TABLE rows into every table, parents first. Throws, naming the table and column, when a row
 * cannot be made or inserted: the author of that table adds `values` or `fill` in a step file.
 */
export async function fillEveryTable(
  sql: SqlRunner,
  tables: TableShape[],
  steps: LadderStep[],
): Promise<void> {
  const values = Object.assign({}, ...steps.map((step) => step.values ?? {})) as NonNullable<
    LadderStep["values"]
  >;
  const inserted = new Map<string, Row[]>();
  for (const table of fillOrder(tables)) {
    const rows: Row[] = [];
    for (let row = 0; row < ROWS_PER_TABLE; row += 1) {
      const record: Row = {};
      for (const column of table.columns) {
        const custom = values[`${table.name}.${column.name}`];
        if (custom) {
          record[column.name] = custom(row, sql.dialect);
        } else if (column.references) {
          const parents = inserted.get(column.references.table) ?? [];
          const parent = parents[row % Math.max(1, parents.length)];
          record[column.name] =
            column.nullable && (row % 2 === 1 || !parent)
              ? null
              : (parent?.[column.references.column] ?? null);
        } else if (column.nullable && row % 2 === 1) {
          record[column.name] = null;
        } else {
          const value = syntheticValue(sql.dialect, table.name, column, row);
          if (value === undefined)
            throw new Error(
              `migration ladder: no value for ${table.name}.${column.name} (type ${column.type}): add it to "values" in a step file under tests/migration-ladder/`,
            );
          record[column.name] = value;
        }
      }
      const names = Object.keys(record);
      const placeholders = names.map((_, index) => (sql.dialect === "sqlite" ? "?" : `$${index + 1}`));
      try {
        await sql.query(
          `INSERT INTO "${table.name}" (${names.map((name) => `"${name}"`).join(", ")}) VALUES (${placeholders.join(", ")})`,
          names.map((name) => record[name]),
        );
      } catch (error) {
        throw new Error(
          `migration ladder: could not fill ${table.name} (${(error as Error).message}): give its columns values, or rows in "fill", in a step file under tests/migration-ladder/`,
        );
      }
      rows.push(record);
    }
    inserted.set(table.name, rows);
  }
  for (const step of steps) await step.fill?.(sql);
}

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString("hex");
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string") {
    // SQLite keeps dates as text ("…+00:00") and JSON as text: compare them as what they mean.
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value))
      return new Date(value).toISOString();
    if (/^[[{]/.test(value)) {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    }
  }
  return value;
}

/** Every row of every table, ordered by primary key, in canonical form. */
export async function snapshot(sql: SqlRunner, tables: TableShape[]): Promise<Snapshot> {
  const result: Snapshot = new Map();
  for (const table of tables) {
    const keys = table.columns.filter((column) => column.primaryKey).map((column) => `"${column.name}"`);
    const order =
      keys.length > 0 ? keys.join(", ") : table.columns.map((column) => `"${column.name}"`).join(", ");
    const rows = await sql.query(`SELECT * FROM "${table.name}" ORDER BY ${order}`);
    result.set(
      table.name,
      rows.map((row) =>
        Object.fromEntries(Object.entries(row).map(([key, value]) => [key, canonical(value)])),
      ),
    );
  }
  return result;
}

/**
 * What was lost or changed between `expected` (the rows before the upgrade, after the steps' `expect`) and
 * `after`: only the columns present in `expected` are compared, so added columns do not count.
 */
export function differences(expected: Snapshot, after: Snapshot): string[] {
  const problems: string[] = [];
  for (const [table, rows] of expected) {
    const now = after.get(table);
    if (!now) {
      problems.push(`table ${table} is gone (a step's "expect" must say where its rows went)`);
      continue;
    }
    if (now.length !== rows.length)
      problems.push(`${table}: ${rows.length} rows before, ${now.length} after`);
    rows.forEach((row, index) => {
      const other = now[index];
      if (!other) return;
      for (const [column, value] of Object.entries(row)) {
        if (!(column in other)) problems.push(`${table}.${column} is gone`);
        else if (JSON.stringify(other[column]) !== JSON.stringify(value))
          problems.push(
            `${table} row ${index}: ${column} was ${JSON.stringify(value)}, now ${JSON.stringify(other[column])}`,
          );
      }
    });
  }
  return [...new Set(problems)];
}
