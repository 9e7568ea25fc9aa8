import path from "node:path";
import { env } from "~/env";
import { sharedKnowledge, type LiveKnowledge } from "../chat/knowledge/live-knowledge";
import { releaseEmbeddedModelWhenIdle } from "../chat/knowledge/embedded-model";
import type { EmbeddingsSettings } from "../chat/knowledge/embeddings";
import { KnowledgeBaseResponder } from "../chat/responder/knowledge-base";
import type { LlmSettings } from "../chat/responder/llm";
import type { Responder, ResponderReply } from "../chat/responder/responder";
import { BudgetedResponder } from "../chat/responder/budget";
import { tokensUsedSince, utcDayStart } from "../chat/messages/token-usage";
import type { Db } from "../db/client";

/**
 * Test/bench hook: a module preloaded into the server process (`node --import`, see bench/stamp-preload.mjs) may
 * set this global to wrap the responder the runtime builds. Nothing in the app sets it; production never does.
 */
export const RESPONDER_WRAPPER = Symbol.for("visitor-chat.wrapResponder");

type ResponderWrapper = (inner: Responder) => Responder;

/** The embeddings endpoint, when EMBEDDINGS_MODEL is set (hybrid retrieval). */
export function embeddingsSettings(): EmbeddingsSettings | undefined {
  const baseUrl = env.EMBEDDINGS_BASE_URL ?? env.LLM_BASE_URL;
  if (!env.EMBEDDINGS_MODEL || !baseUrl) return undefined;
  return {
    baseUrl,
    apiKey: env.EMBEDDINGS_API_KEY ?? env.LLM_API_KEY,
    model: env.EMBEDDINGS_MODEL,
    timeoutMs: env.LLM_TIMEOUT_MS,
    minSimilarity: env.EMBEDDINGS_MIN_SIMILARITY,
  };
}

/** The LLM's settings, when LLM_BASE_URL and LLM_MODEL are set (the app then answers with it). */
export function llmSettings(): LlmSettings | undefined {
  if (!env.LLM_BASE_URL || !env.LLM_MODEL) return undefined;
  return {
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
    queryRewrite: env.LLM_QUERY_REWRITE,
    maxPromptTokens: env.LLM_MAX_PROMPT_TOKENS,
  };
}

/**
 * The LLM responder when LLM_BASE_URL is set, else the embedded knowledge-base responder; both answer from the
 * help articles in the database (followed live, see LiveKnowledge). With LLM_DAILY_TOKEN_BUDGET, the
 * knowledge-base responder answers once the day's budget is spent.
 */
export function createResponder(db: Db): Responder {
  releaseEmbeddedModelWhenIdle(env.EMBEDDED_MODEL_IDLE_MINUTES * 60_000);
  const knowledge = sharedKnowledge(db, {
    refreshMs: env.KNOWLEDGE_REFRESH_SECONDS * 1000,
    ...(env.KNOWLEDGE_DIR && { seedDirectory: path.resolve(env.KNOWLEDGE_DIR) }),
    embeddings: embeddingsSettings(),
    embedded: env.EMBEDDED_EMBEDDINGS === "on",
  });
  const knowledgeResponder = () =>
    new KnowledgeBaseResponder(knowledge, { chunkDelayMs: env.KNOWLEDGE_STREAM_DELAY_MS });
  const settings = llmSettings();
  if (settings) {
    const llm = lazyLlmResponder(settings, knowledge);
    if (env.LLM_DAILY_TOKEN_BUDGET === undefined) return llm;
    return new BudgetedResponder(llm, knowledgeResponder(), {
      dailyTokens: env.LLM_DAILY_TOKEN_BUDGET,
      usedToday: () => tokensUsedSince(db, utcDayStart(new Date())),
    });
  }
  return knowledgeResponder();
}

/**
 * The LLM responder, its module (the AI SDK) loaded by the first reply rather than at start-up: the import is
 * awaited inside the reply's deltas, and the reply's facts (sources, usage, …) are the loaded reply's.
 */
function lazyLlmResponder(settings: LlmSettings, knowledge: LiveKnowledge): Responder {
  let loaded: Promise<Responder> | undefined;
  const load = () =>
    (loaded ??= import("../chat/responder/llm").then(
      ({ LlmResponder }) => new LlmResponder(settings, knowledge),
    ));
  return {
    name: "llm",
    reply(input): ResponderReply {
      let inner: ResponderReply | undefined;
      async function* deltas(): AsyncGenerator<string> {
        inner = (await load()).reply(input);
        yield* inner.deltas;
      }
      return {
        deltas: deltas(),
        sources: () => inner?.sources() ?? [],
        answerKind: () => inner?.answerKind?.() ?? "no_answer",
        usage: () => inner?.usage?.(),
        answeredBy: () => inner?.answeredBy?.() ?? "llm",
        handoff: () => inner?.handoff?.() ?? false,
      };
    },
  };
}

/** The responder the app serves with: createResponder(), wrapped by the test/bench hook when one is preloaded. */
export function chooseResponder(db: Db): Responder {
  const wrap = (globalThis as Record<symbol, ResponderWrapper | undefined>)[RESPONDER_WRAPPER];
  return wrap ? wrap(createResponder(db)) : createResponder(db);
}
