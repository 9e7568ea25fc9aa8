/**
 * CPU per raw write that runs alone (issue 24 item 4): a visitor's insert through Prisma's client (`await
 * insertVisitor(…)`: request, query compiler, plan interpreter, driver adapter) against the same statement straight
 * on Prisma's driver adapter (`runAlone(insertVisitor(…))`, src/server/db/direct-sql.ts), in one process on a fresh
 * database of each dialect. Rounds alternate the two paths so the machine's load hits both alike; the figure is the
 * process's CPU time (user + system) per insert, steadier than wall time on a shared machine.
 *
 *   npx tsx bench/raw-write.ts [--dialects sqlite,postgresql] [--inserts 2000] [--rounds 4]
 */
import { randomUUID } from "node:crypto";
import { insertVisitor } from "~/server/chat/hot-sql";
import { openDatabase } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import { runAlone } from "~/server/db/direct-sql";
import { createTestDatabase } from "../testing/test-database";
import { fmt, intFlag, machineLine, parseFlags, percentile, printTable } from "./lib";

async function main(): Promise<void> {
  const flags = parseFlags();
  const dialects = (flags.dialects ?? "sqlite,postgresql").split(",") as Dialect[];
  const inserts = intFlag(flags, "inserts", 2000);
  const rounds = intFlag(flags, "rounds", 4);
  console.log(`raw write alone, ${inserts} inserts × ${rounds} rounds per path · ${machineLine()}`);
  const rows: (string | number)[][] = [];
  for (const dialect of dialects) {
    const testDatabase = await createTestDatabase(dialect);
    const { db, close } = await openDatabase(testDatabase.url);
    const paths = {
      prisma: () => insertVisitor(db, visitorRow()) as Promise<number>,
      direct: () => runAlone(insertVisitor(db, visitorRow())),
    };
    const cpu: Record<keyof typeof paths, number[]> = { prisma: [], direct: [] };
    try {
      for (const run of Object.values(paths)) for (let index = 0; index < 200; index++) await run(); // warm-up
      for (let round = 0; round < rounds; round++) {
        for (const [name, run] of Object.entries(paths) as [keyof typeof paths, () => Promise<number>][]) {
          const before = process.cpuUsage();
          for (let index = 0; index < inserts; index++) await run();
          const used = process.cpuUsage(before);
          cpu[name].push((used.user + used.system) / inserts);
        }
      }
    } finally {
      await close();
      await testDatabase.drop();
    }
    const median = (values: number[]) => percentile(values, 50);
    for (const name of ["prisma", "direct"] as const)
      rows.push([
        dialect,
        name,
        cpu[name].map((value) => fmt(value, 0)).join(" / "),
        fmt(median(cpu[name]), 0),
      ]);
    const saved = cpu.prisma.map((value, index) => value - (cpu.direct[index] ?? NaN));
    console.log(
      `${dialect}: direct saves ${saved.map((value) => fmt(value, 0)).join(" / ")} µs CPU per insert (median ${fmt(median(saved), 0)}; ${fmt((median(saved) / median(cpu.prisma)) * 100)} % of Prisma's path)`,
    );
  }
  printTable("CPU per visitor insert run alone (µs)", ["database", "path", "per round", "median"], rows);
}

function visitorRow() {
  const now = new Date();
  return {
    id: randomUUID(),
    metadata: { locale: "en-GB", page: "/pricing" },
    created_at: now,
    last_seen_at: now,
  };
}

void main();
