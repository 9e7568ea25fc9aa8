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
    attachmentMaxBytes: source.ATTACHMENT_MAX_BYTES,
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
        deadlineMs: source.KNOWLEDGE_IMPORT_DEADLINE_MS,
        parseTimeoutMs: source.KNOWLEDGE_IMPORT_PARSE_TIMEOUT_MS,
        parseMemoryMb: source.KNOWLEDGE_IMPORT_PARSE_MEMORY_MB,
        maxUploadBytes: source.KNOWLEDGE_UPLOAD_MAX_BYTES,
      },
      webhooksAllowPrivate: source.WEBHOOKS_ALLOW_PRIVATE,
      publicUrl: source.BETTER_AUTH_URL,
    },
    email: {
      smtpUrl: source.SMTP_URL,
      from: source.MAIL_FROM,
      continuityDelayMs: source.EMAIL_CONTINUITY_DELAY_SECONDS * 1000,
      inboundDomain: source.INBOUND_EMAIL_DOMAIN,
      inboundSecret: source.INBOUND_EMAIL_SECRET,
      agentAlertAfterMs: source.AGENT_ALERT_AFTER_SECONDS * 1000,
      publicUrl: (source.PUBLIC_URL ?? source.BETTER_AUTH_URL ?? "http://localhost:3000").replace(/\/+$/, ""),
    },
  };
}
