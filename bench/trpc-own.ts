/**
 * The part of a tRPC `visitors.create` this project owns, without HTTP: the procedure called through tRPC's own
 * caller (the publicProcedure middleware, input and output validation, the domain, the database write) — what
 * issue 24 item 4 calls "our procedure, middlewares and database write". Server CPU per call (process.cpuUsage),
 * each checkout in its own child process, checkouts alternated round by round on one database (a before/after
 * pair under the same machine load).
 *
 *   npx tsx bench/trpc-own.ts [--dialect sqlite|postgresql] [--calls 3000] [--rounds 4] [--dirs /path/before,.]
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { Dialect } from "~/server/db/database-url";
import { createTestDatabase } from "../testing/test-database";
import { fmt, intFlag, machineLine, parseFlags, percentile, printTable } from "./lib";

async function child(dir: string, calls: number): Promise<void> {
  const { appRouter } = (await import(path.join(dir, "src/server/api/root.ts"))) as {
    appRouter: never;
  };
  const { createCallerFactory, createTRPCContext } = (await import(
    path.join(dir, "src/server/api/trpc.ts")
  )) as {
    createCallerFactory: (router: never) => (ctx: unknown) => {
      visitors: { create(input: unknown): Promise<unknown> };
    };
    createTRPCContext: (options: { headers: Headers }) => unknown;
  };
  const headers = new Headers({ "content-type": "application/json", "x-forwarded-for": "192.0.2.1" });
  const create = () =>
    createCallerFactory(appRouter)(createTRPCContext({ headers })).visitors.create({
      metadata: { locale: "en-GB", page: "/pricing" },
    });
  for (let index = 0; index < 500; index++) await create();
  const before = process.cpuUsage();
  for (let index = 0; index < calls; index++) await create();
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ cpuUs: (used.user + used.system) / calls }));
  process.exit(0);
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const calls = intFlag(flags, "calls", 3000);
  if (flags.child) return child(path.resolve(flags.child), calls);
  const dialect = (flags.dialect ?? "sqlite") as Dialect;
  const rounds = intFlag(flags, "rounds", 4);
  const dirs = (flags.dirs ?? ".").split(",").map((dir) => path.resolve(dir));
  console.log(
    `tRPC visitors.create in process (caller), ${dialect}, ${calls} calls × ${rounds} rounds · ${machineLine()}`,
  );
  const database = await createTestDatabase(dialect);
  const samples = dirs.map(() => [] as number[]);
  try {
    for (let round = 0; round < rounds; round++)
      for (const [index, dir] of dirs.entries()) {
        const run = spawnSync(
          path.resolve("node_modules/.bin/tsx"),
          [path.resolve("bench/trpc-own.ts"), "--child", dir, "--calls", String(calls)],
          {
            cwd: dir,
            env: {
              ...process.env,
              NODE_ENV: "production",
              DATABASE_URL: database.url,
              RATE_LIMITS: "off",
              LOG_LEVEL: "warn",
            },
            encoding: "utf8",
          },
        );
        const line = run.stdout.trim().split("\n").at(-1) ?? "";
        if (run.status !== 0 || !line.startsWith("{"))
          throw new Error(`${dir}: ${run.stderr}\n${run.stdout}`);
        samples[index]!.push((JSON.parse(line) as { cpuUs: number }).cpuUs);
      }
  } finally {
    await database.drop();
  }
  printTable(
    "CPU µs per visitors.create through tRPC's caller (no HTTP)",
    ["checkout", "per round", "median"],
    dirs.map((dir, index) => [
      dir,
      samples[index]!.map((value) => fmt(value, 0)).join(" / "),
      fmt(percentile(samples[index]!, 50), 0),
    ]),
  );
}

void main();
