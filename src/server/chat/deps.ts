import type { Db } from "../db/client";
import type { Dialect } from "../db/database-url";
import type { EventBus } from "./events/bus";
import type { ReplyTimings } from "./messages/reply-lease";
import type { Responder } from "./responder/responder";

/**
 * What the domain functions (and the admin services) need from the outside world, complete: the runtime
 * (src/server/runtime/runtime.ts) builds it once from the environment, tests build one with
 * tests/helpers/deps.ts. The domain never reads the environment itself.
 */
export interface ChatDeps {
  db: Db;
  /** For the few queries that must be written per database (e.g. text search in JSON). */
  dialect: Dialect;
  responder: Responder;
  /** The conversation event bus (chosen at start-up, src/server/runtime/events.ts). */
  events: EventBus;
  /** The settings, resolved (src/server/runtime/config.ts reads them from the environment). */
  config: ChatConfig;
  /** The clock of the handoff rules (timeout, presence); unset → the system clock. Tests inject one. */
  now?: () => Date;
}

/** The settings the domain and the admin services follow, all resolved (no fallback to the environment). */
export interface ChatConfig {
  /** Reply lease timings (REPLY_LEASE_SECONDS, REPLY_FINAL_SAVE_SECONDS). */
  replyTimings: ReplyTimings;
  /** How long a handoff waits for an agent (HANDOFF_TIMEOUT_SECONDS). */
  handoffTimeoutMs: number;
  /** The largest file a visitor or an agent may attach (ATTACHMENT_MAX_BYTES). */
  attachmentMaxBytes: number;
  /** Identified visitors (IDENTITY_SECRET, IDENTITY_REQUIRED). */
  identity: IdentityConfig;
  /** What the admin procedures need (src/server/api/routers/admin*.ts read it here, not from the environment). */
  admin: AdminConfig;
  /** Email out and in (SMTP_URL, MAIL_FROM, EMAIL_CONTINUITY_DELAY_SECONDS, INBOUND_EMAIL_*, AGENT_ALERT_AFTER_SECONDS). */
  email: EmailConfig;
}

export interface EmailConfig {
  /** Where to send: the SMTP URL; unset → email is off (nothing is queued). */
  smtpUrl?: string;
  /** The From of every email. */
  from?: string;
  /** An agent's messages go by email once the visitor has had no open event stream this long. */
  continuityDelayMs: number;
  /** reply+<token>@inboundDomain as Reply-To; unset → no Reply-To (replies by email are off). */
  inboundDomain?: string;
  /** The bearer secret of POST /api/inbound/email/; unset → the route answers 401 to everyone. */
  inboundSecret?: string;
  /** Agents are alerted about a request unclaimed this long. */
  agentAlertAfterMs: number;
  /** The public origin links in emails point to (the widget, the stop link, the inbox). */
  publicUrl: string;
}

/** Email is on when there is a server to send through and a sender. */
export function emailEnabled(config: EmailConfig): config is EmailConfig & { smtpUrl: string; from: string } {
  return config.smtpUrl !== undefined && config.from !== undefined;
}

export interface IdentityConfig {
  /** The key of user_hash (HMAC-SHA256 of user_id); unset → user_hash cannot be verified. */
  secret?: string;
  /** Only identified visitors may send messages. */
  required: boolean;
}

export interface AdminConfig {
  /** Websites allowed to embed the widget from the environment (WIDGET_ALLOWED_ORIGINS, as written). */
  widgetAllowedOrigins: string;
  /** The dashboard's cost estimate and budget (LLM_PRICE_PER_1K_INPUT/OUTPUT, LLM_DAILY_TOKEN_BUDGET). */
  llmCost: { pricePer1kInput?: number; pricePer1kOutput?: number; dailyTokenBudget?: number };
  /** Knowledge import from a website or uploaded files (KNOWLEDGE_IMPORT_*, KNOWLEDGE_UPLOAD_MAX_BYTES). */
  knowledgeImport: {
    allowPrivate: boolean;
    maxBytes: number;
    timeoutMs: number;
    maxPages: number;
    deadlineMs?: number;
    parseTimeoutMs?: number;
    parseMemoryMb?: number;
    maxUploadBytes?: number;
  };
  /** Webhook endpoints on private addresses are allowed (WEBHOOKS_ALLOW_PRIVATE). */
  webhooksAllowPrivate: boolean;
  /** This site's public address (BETTER_AUTH_URL), for links made for people (invitations); unset: the request's. */
  publicUrl?: string;
}
