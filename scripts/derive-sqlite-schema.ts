/**
 * Derives prisma/sqlite/schema.prisma from the canonical PostgreSQL schema so the two cannot drift:
 * same models, fields, defaults, relations and indexes; only the provider, the client's output folder and
 * PostgreSQL-only native column types (@db.*) differ. tests/schema-drift.test.ts fails if the committed
 * file is not what this produces.
 *
 * Usage: tsx scripts/derive-sqlite-schema.ts [--check]
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";

export const canonicalSchemaPath = path.join("prisma", "schema.prisma");
export const sqliteSchemaPath = path.join("prisma", "sqlite", "schema.prisma");

export function deriveSqliteSchema(canonical: string): string {
  const derived = canonical
    .replace(/provider\s*=\s*"postgresql"/, 'provider = "sqlite"')
    .replace(
      /output\s*=\s*"\.\.\/src\/generated\/prisma-postgresql"/,
      'output          = "../../src/generated/prisma-sqlite"',
    )
    .replace(/[ \t]+@db\.\w+(\([^)]*\))?/g, "")
    .replace(/^\/\/ Canonical schema[\s\S]*?\n\n/m, "");
  if (!derived.includes('provider = "sqlite"') || !derived.includes("prisma-sqlite")) {
    throw new Error(
      "derive-sqlite-schema: the canonical schema's datasource or generator output changed shape",
    );
  }
  return (
    "// GENERATED from prisma/schema.prisma by scripts/derive-sqlite-schema.ts: do not edit.\n" +
    "// Run `npm run db:derive` after changing the canonical schema.\n\n" +
    derived
  );
}

function main(): void {
  const expected = deriveSqliteSchema(readFileSync(canonicalSchemaPath, "utf8"));
  if (process.argv.includes("--check")) {
    const current = readFileSync(sqliteSchemaPath, "utf8");
    if (current !== expected) {
      console.error(`${sqliteSchemaPath} is out of date: run npm run db:derive`);
      process.exit(1);
    }
    return;
  }
  mkdirSync(path.dirname(sqliteSchemaPath), { recursive: true });
  writeFileSync(sqliteSchemaPath, expected);
  console.log(`wrote ${sqliteSchemaPath}`);
}

if (process.argv[1]?.endsWith("derive-sqlite-schema.ts")) main();
