import path from "node:path";
import { env } from "~/env";
import { openDatabase, type Database } from "../db/client";
import type { ChatDeps } from "../chat/deps";
import { KnowledgeBase, KnowledgeBaseResponder, loadKnowledge } from "../chat/responder/knowledge-base";
import { LlmResponder } from "../chat/responder/llm";
import { stampDeltas } from "../../../bench/stamp-deltas";
import type { Responder } from "../chat/responder/responder";

/**
 * The process-wide dependencies of the chat domain, built once from the environment. Cached on globalThis so
 * `next dev` hot reloads do not open a new database pool per edit.
 */
interface ChatRuntime {
  database: Database;
  deps: ChatDeps;
}

const globalCache = globalThis as typeof globalThis & { __visitorChatRuntime?: Promise<ChatRuntime> };

/** The LLM responder when LLM_BASE_URL is set, else the embedded knowledge-base responder. */
export function createResponder(): Responder {
  const knowledge = new KnowledgeBase(loadKnowledge(path.resolve(env.KNOWLEDGE_DIR)));
  if (env.LLM_BASE_URL && env.LLM_MODEL) {
    return new LlmResponder(
      {
        baseUrl: env.LLM_BASE_URL,
        apiKey: env.LLM_API_KEY,
        model: env.LLM_MODEL,
        systemPrompt: env.LLM_SYSTEM_PROMPT,
        temperature: env.LLM_TEMPERATURE,
        maxTokens: env.LLM_MAX_TOKENS,
        timeoutMs: env.LLM_TIMEOUT_MS,
        maxRetries: env.LLM_MAX_RETRIES,
        historyMaxMessages: env.LLM_HISTORY_MAX_MESSAGES,
        historyMaxChars: env.LLM_HISTORY_MAX_CHARS,
        groundingPassages: env.LLM_GROUNDING_PASSAGES,
      },
      knowledge,
    );
  }
  return new KnowledgeBaseResponder(knowledge, { chunkDelayMs: env.KNOWLEDGE_STREAM_DELAY_MS });
}

async function createRuntime(): Promise<ChatRuntime> {
  const database = await openDatabase(env.DATABASE_URL);
  const responder = env.BENCH_STAMP_DELTAS === "1" ? stampDeltas(createResponder()) : createResponder();
  return { database, deps: { db: database.db, dialect: database.dialect, responder } };
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
