/**
 * Fuzz: property-based requests to every REST endpoint against `next start` (see fuzz-core.ts for what is
 * generated and checked). Never a 5xx, always the envelope.
 *
 *   npx tsx bench/fuzz.ts [--cases 10000] [--seed 42] [--dialect postgresql|sqlite] [--malformed-paths]
 *
 * --malformed-paths also generates malformed percent-escapes in paths, which Next.js answers 500 before any app
 * code runs (a known finding, see RESULTS.md).
 */
import type { Dialect } from "~/server/db/database-url";
import { startServer } from "../testing/next-server";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { createTestDatabase } from "../testing/test-database";
import { runFuzz, seedFuzzIds } from "./fuzz-core";
import { fmt, intFlag, machineLine, parseFlags, printTable } from "./lib";

async function main(): Promise<void> {
  const flags = parseFlags();
  const cases = intFlag(flags, "cases", 10_000);
  const seed = intFlag(flags, "seed", 42);
  const dialect = (flags.dialect ?? "postgresql") as Dialect;
  console.log(`fuzz: ${cases} cases, seed ${seed}, ${dialect} · ${machineLine()}`);
  const testDatabase = await createTestDatabase(dialect);
  const server = await startServer({
    databaseUrl: testDatabase.url,
    env: { RATE_LIMITS: "off", KNOWLEDGE_STREAM_DELAY_MS: "0" },
  });
  let failed = false;
  try {
    const ids = await seedFuzzIds(server.baseUrl, TEST_ADMIN_API_KEY);
    const report = await runFuzz({
      baseUrl: server.baseUrl,
      ids,
      numRuns: cases,
      seed,
      malformedPathEscapes: flags["malformed-paths"] === "true",
    });
    printTable(
      `Fuzz: ${report.cases} requests in ${fmt(report.ms / 1000)} s, answers by status`,
      ["status", "count"],
      [...report.byStatus].sort((a, b) => a[0] - b[0]),
    );
    printTable(
      "Requests by endpoint (before method/path mutation)",
      ["endpoint", "count"],
      [...report.byEndpoint].sort((a, b) => b[1] - a[1]),
    );
    console.log(`\nnever 5xx, always the envelope: PASS`);
  } catch (error) {
    failed = true;
    console.error(error instanceof Error ? error.message : error);
    console.log(`\nnever 5xx, always the envelope: FAIL`);
    const log = server
      .output()
      .split("\n")
      .filter((line) => /error|fail/i.test(line));
    if (log.length > 0) console.log(`server log:\n${log.slice(-20).join("\n")}`);
  } finally {
    await server.stop();
    await testDatabase.drop();
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
