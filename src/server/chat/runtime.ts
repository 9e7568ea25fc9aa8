import path from "node:path";
import { env } from "~/env";
import { openDatabase, type Database } from "../db/client";
import type { ChatDeps } from "./deps";
import { KnowledgeBaseResponder, loadKnowledge } from "./responder/knowledge-base";
import type { Responder } from "./responder/responder";

/**
 * The process-wide dependencies of the chat domain, built once from the environment. Cached on globalThis so
 * `next dev` hot reloads do not open a new database pool per edit.
 */
interface ChatRuntime {
  database: Database;
  deps: ChatDeps;
}

const globalCache = globalThis as typeof globalThis & { __visitorChatRuntime?: Promise<ChatRuntime> };

export function createResponder(): Responder {
  return new KnowledgeBaseResponder(loadKnowledge(path.resolve(env.KNOWLEDGE_DIR)), {
    chunkDelayMs: env.KNOWLEDGE_STREAM_DELAY_MS,
  });
}

async function createRuntime(): Promise<ChatRuntime> {
  const database = await openDatabase(env.DATABASE_URL);
  return { database, deps: { db: database.db, dialect: database.dialect, responder: createResponder() } };
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
