import path from "node:path";
import { env } from "~/env";
import { seedKnowledgeArticles } from "../chat/knowledge/articles";
import type { ChatDeps } from "../chat/deps";
import { openDatabase, type Database } from "../db/client";
import { chatConfigFrom } from "./config";
import { getEventBus } from "./events";
import { chooseResponder } from "./responder";

/**
 * The process-wide dependencies of the chat domain (database, responder, event bus, settings), complete and built
 * once from the environment (src/env.ts parsed it at start-up; ./config.ts resolves the settings): the
 * app's wiring, used by the transports (tRPC, REST, pages) and by admin auth; the domain only sees ChatDeps.
 * Cached on globalThis so `next dev` hot reloads do not open a new database pool per edit.
 */
interface ChatRuntime {
  database: Database;
  deps: ChatDeps;
}

const globalCache = globalThis as typeof globalThis & { __visitorChatRuntime?: Promise<ChatRuntime> };

async function createRuntime(): Promise<ChatRuntime> {
  const database = await openDatabase(env.DATABASE_URL);
  // First start: the help articles of KNOWLEDGE_DIR become the knowledge base (a no-op once it has articles). A
  // database not reachable or not migrated yet is reported by the requests; the responder seeds on first use then.
  if (env.KNOWLEDGE_DIR)
    await seedKnowledgeArticles(database.db, path.resolve(env.KNOWLEDGE_DIR)).catch(() => 0);
  return {
    database,
    deps: {
      db: database.db,
      dialect: database.dialect,
      responder: chooseResponder(database.db),
      events: getEventBus(),
      config: chatConfigFrom(env),
    },
  };
}

export function getChatRuntime(): Promise<ChatRuntime> {
  globalCache.__visitorChatRuntime ??= createRuntime().catch((error: unknown) => {
    // Do not cache a failed start-up: the next request tries again (e.g. once the database is back).
    globalCache.__visitorChatRuntime = undefined;
    throw error;
  });
  return globalCache.__visitorChatRuntime;
}

export async function getChatDeps(): Promise<ChatDeps> {
  return (await getChatRuntime()).deps;
}
