import type { Db } from "../db/client";
import type { Dialect } from "../db/database-url";
import type { EventBus } from "./events/bus";
import type { ReplyTimings } from "./messages/reply-lease";
import type { Responder } from "./responder/responder";

/** What the domain functions need from the outside world; transports and tests build one. */
export interface ChatDeps {
  db: Db;
  /** For the few queries that must be written per database (e.g. text search in JSON). */
  dialect: Dialect;
  responder: Responder;
  /** Reply lease timings; unset → from the environment (REPLY_LEASE_SECONDS, REPLY_FINAL_SAVE_SECONDS). */
  replyTimings?: Partial<ReplyTimings>;
  /** The conversation event bus (chosen at start-up); unset → changes publish no events. */
  events?: EventBus;
  /** The clock of the handoff rules (timeout, presence); unset → the system clock. Tests inject one. */
  now?: () => Date;
  /** How long a handoff waits for an agent; unset → HANDOFF_TIMEOUT_SECONDS from the environment. */
  handoffTimeoutMs?: number;
  /** Identified visitors; unset → from the environment (IDENTITY_SECRET, IDENTITY_REQUIRED). */
  identity?: IdentityConfig;
}

export interface IdentityConfig {
  /** The key of user_hash (HMAC-SHA256 of user_id); unset → user_hash cannot be verified. */
  secret?: string;
  /** Only identified visitors may send messages. */
  required: boolean;
}
