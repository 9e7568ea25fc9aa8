import { env } from "~/env";
import type { ChatConfig } from "../chat/deps";
import { heartbeatFor } from "../chat/messages/reply-lease";

/** The environment's settings for ChatDeps.config, resolved once at start-up (src/env.ts parsed them). */
export function chatConfigFrom(source: typeof env = env): ChatConfig {
  const leaseMs = source.REPLY_LEASE_SECONDS * 1000;
  return {
    replyTimings: {
      leaseMs,
      heartbeatMs: heartbeatFor(leaseMs),
      finalSaveWindowMs: source.REPLY_FINAL_SAVE_SECONDS * 1000,
    },
    handoffTimeoutMs: source.HANDOFF_TIMEOUT_SECONDS * 1000,
    identity: { secret: source.IDENTITY_SECRET, required: source.IDENTITY_REQUIRED },
    admin: {
      widgetAllowedOrigins: source.WIDGET_ALLOWED_ORIGINS,
      llmCost: {
        pricePer1kInput: source.LLM_PRICE_PER_1K_INPUT,
        pricePer1kOutput: source.LLM_PRICE_PER_1K_OUTPUT,
        dailyTokenBudget: source.LLM_DAILY_TOKEN_BUDGET,
      },
      knowledgeImport: {
        allowPrivate: source.KNOWLEDGE_IMPORT_ALLOW_PRIVATE === "on",
        maxBytes: source.KNOWLEDGE_IMPORT_MAX_BYTES,
        timeoutMs: source.KNOWLEDGE_IMPORT_TIMEOUT_MS,
        maxPages: source.KNOWLEDGE_IMPORT_MAX_PAGES,
      },
      webhooksAllowPrivate: source.WEBHOOKS_ALLOW_PRIVATE,
      publicUrl: source.BETTER_AUTH_URL,
    },
  };
}
