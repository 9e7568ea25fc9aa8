/**
 * Where one search's time goes (issue 26): every database call of `listAdminSessions` with `q`, timed, on a
 * database seeded by `bench/search-1m.ts --keep`. Not part of the test suite.
 *
 *   npx tsx bench/search-profile.ts --url <database url> [--q the] [--label billing] [--mode agent]
 */
import { listAdminSessions } from "~/server/admin/sessions/session-admin.service";
import { listAdminSessionsInputSchema } from "~/server/admin/sessions/session-admin.schema";
import { openDatabase } from "~/server/db/client";
import type { Db } from "~/server/db/client";
import { testDeps } from "../tests/helpers/deps";
import { fmt, parseFlags } from "./lib";

async function main(): Promise<void> {
  const flags = parseFlags();
  const database = await openDatabase(flags.url!);
  const calls: string[] = [];
  const timed = database.db.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const started = performance.now();
        const result = await query(args);
        calls.push(`${fmt(performance.now() - started)} ms  ${model ?? ""}.${operation}`);
        return result;
      },
    },
  }) as unknown as Db;
  const deps = { ...testDeps(database), db: timed };
  const input = listAdminSessionsInputSchema.parse({
    q: flags.q ?? "the",
    limit: "50",
    ...(flags.label && { label: flags.label }),
    ...(flags.mode && { mode: flags.mode }),
  });
  try {
    for (let run = 0; run < 3; run += 1) {
      calls.length = 0;
      const started = performance.now();
      const page = await listAdminSessions(deps, input, "bench");
      console.log(`run ${run}: ${fmt(performance.now() - started)} ms, ${page.items.length} results`);
      for (const call of calls) console.log(`  ${call}`);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
