/**
 * Copy throughput and peak memory of npm run db:copy: N messages (default 100,000) in an SQLite file, copied
 * into a fresh PostgreSQL database by the real script (a child process, so its peak RSS is its own).
 *
 *   npx tsx bench/db-copy.ts [messages]
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { createTestDatabase } from "../testing/test-database";
import { fillEveryTable } from "../testing/db-fixture";

async function main(): Promise<void> {
  const messages = Number(process.argv[2] ?? 100_000);
  const source = await createTestDatabase("sqlite");
  const target = await createTestDatabase("postgresql");
  try {
    await fillEveryTable(source.url, { messages, sessions: 200 });
    const started = performance.now();
    const result = spawnSync(
      "/usr/bin/time",
      ["-v", process.execPath, "--import", "tsx", path.join("scripts", "db-copy.ts"), "--to", target.url],
      { env: { ...process.env, DATABASE_URL: source.url }, encoding: "utf8" },
    );
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(result.stderr || result.stdout);
    const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1] ?? NaN);
    const summary = result.stdout.split("\n").find((line) => line.startsWith("copied ")) ?? "";
    console.log(summary);
    console.log(
      `${messages} messages SQLite → PostgreSQL: script wall time ${seconds.toFixed(1)} s (incl. start-up and migration), peak RSS ${(peakKb / 1024).toFixed(0)} MiB`,
    );
  } finally {
    await target.drop();
    await source.drop();
  }
}

void main();
