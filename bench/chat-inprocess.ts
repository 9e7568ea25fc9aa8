/**
 * Chat throughput in process: `chat()` through the domain layer (no HTTP, no Next.js) on a fresh database, a
 * responder that answers at once, `--concurrency` visitors each sending `--messages` messages into their own
 * session. Prints chats/s, CPU time per chat (this process: with SQLite that includes the database; the figure to
 * compare on a loaded machine) and the SQL statements one message costs (counted at the driver adapter).
 *
 *   npx tsx bench/chat-inprocess.ts [--dialect sqlite|postgresql] [--concurrency 20] [--messages 25] [--rounds 3]
 */
import type { Dialect } from "~/server/db/database-url";
import type { ChatDeps } from "~/server/chat/deps";
import { chat } from "~/server/chat/messages/messages.service";
import type { Responder } from "~/server/chat/responder/responder";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { openDatabase } from "~/server/db/client";
import { createTestDatabase } from "../testing/test-database";
import { fmt, intFlag, machineLine, parseFlags } from "./lib";
import { testDeps } from "../tests/helpers/deps";

async function* thanks(): AsyncGenerator<string> {
  yield "Thanks, ";
  yield "noted.";
}

const instant: Responder = {
  name: "instant",
  reply: () => ({ deltas: thanks(), sources: () => [] }),
};

async function main(): Promise<void> {
  const flags = parseFlags();
  const dialect = (flags.dialect ?? "sqlite") as Dialect;
  const concurrency = intFlag(flags, "concurrency", 20);
  const messages = intFlag(flags, "messages", 25);
  const rounds = intFlag(flags, "rounds", 3);
  console.log(
    `chat in process on ${dialect}, ${concurrency} × ${messages} × ${rounds} rounds · ${machineLine()}`,
  );
  const testDatabase = await createTestDatabase(dialect);
  let statements = 0;
  const database = await openDatabase(testDatabase.url, { onStatement: () => (statements += 1) });
  const deps: ChatDeps = testDeps(database, { responder: instant });
  try {
    const rates: number[] = [];
    const cpuPerChat: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      const sessions = await Promise.all(
        Array.from({ length: concurrency }, async () => {
          const visitor = await createVisitor(deps, {});
          const session = await createSession(deps, { visitor_id: visitor.id });
          return { session_id: session.id, visitor_id: visitor.id };
        }),
      );
      statements = 0;
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      await Promise.all(
        sessions.map(async (input) => {
          for (let index = 0; index < messages; index++)
            await chat(deps, { ...input, message: `question ${index}` });
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMsPerChat = (cpu.user + cpu.system) / 1000 / (concurrency * messages);
      const rate = (concurrency * messages) / seconds;
      const perChat = statements / (concurrency * messages);
      // Round 0 warms up (JIT, query plans) and is not counted.
      if (round > 0) {
        rates.push(rate);
        cpuPerChat.push(cpuMsPerChat);
      }
      console.log(
        `${round === 0 ? "warm-up" : `round ${round}`}: ${fmt(rate, 0)} chats/s wall, ${fmt(cpuMsPerChat, 2)} ms CPU per chat (→ ${fmt(1000 / cpuMsPerChat, 0)} chats/s per core), ${fmt(perChat, 2)} statements per chat (BEGIN/COMMIT included)`,
      );
    }
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    // CPU time per chat is the figure to compare on a shared machine: wall-clock rates follow the load.
    console.log(
      `\nmean ${fmt(mean(rates), 0)} chats/s wall; ${fmt(mean(cpuPerChat), 2)} ms CPU per chat → ${fmt(1000 / mean(cpuPerChat), 0)} chats/s per core`,
    );
  } finally {
    await database.close();
    await testDatabase.drop();
  }
}

void main();
