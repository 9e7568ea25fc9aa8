import { z } from "zod";
import { DEFAULT_DATABASE_URL } from "./server/db/database-url";
import { parseTrustedProxies } from "./server/protection/client-address";
import { invalidOrigins } from "./server/protection/origins";
import { QUERY_REWRITE_MODES } from "./server/chat/responder/responder";

/**
 * Every environment variable the server reads, parsed once when this module is first imported
 * (instrumentation.ts imports it at start-up so a bad value stops the server before it serves anything).
 * Nothing else reads process.env directly.
 */
/** "<requests>/<seconds>", e.g. "30/60" = 30 requests a minute. */
const rateSchema = z
  .string()
  .trim()
  .regex(/^\d+\/\d+$/, 'a rate limit is "<requests>/<seconds>", e.g. "30/60"')
  .transform((value) => {
    const [points, seconds] = value.split("/").map(Number) as [number, number];
    return { points, seconds };
  })
  .refine(
    (rate) => rate.points > 0 && rate.seconds > 0,
    "a rate limit needs at least 1 request and 1 second",
  );

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /**
   * `file:./data/…` selects the embedded SQLite store; `postgres://` / `postgresql://` selects PostgreSQL.
   * The default makes the app run with no configuration at all.
   */
  DATABASE_URL: z
    .string()
    .trim()
    .min(1)
    .default(DEFAULT_DATABASE_URL)
    .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
      message: "DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)",
    }),
  /**
   * Markdown articles copied into the knowledge base on first start (when it has none). Unset (the default): a
   * fresh install starts with an empty knowledge base; `npm run demo` sets it to content/knowledge (the samples).
   */
  KNOWLEDGE_DIR: z.string().trim().min(1).optional(),
  /** Pause between streamed chunks of a knowledge-base reply, so it reads like typing. 0 in tests. */
  KNOWLEDGE_STREAM_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(25),
  /**
   * How often (seconds) each instance checks the database for changed help articles (a cheap count/max(updated_at)
   * query) and rebuilds its search index when they changed. 0 = on every question.
   */
  KNOWLEDGE_REFRESH_SECONDS: z.coerce.number().min(0).max(3600).default(2),
  /** Imports (URL, sitemap): at most this many pages per import, … */
  KNOWLEDGE_IMPORT_MAX_PAGES: z.coerce.number().int().min(1).max(1000).default(25),
  /** … each at most this many bytes (uploads too), … */
  KNOWLEDGE_IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(2_000_000),
  /** … fetched within this time. */
  KNOWLEDGE_IMPORT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** One whole import (every fetch and conversion of a sitemap or an upload) ends within this time. */
  KNOWLEDGE_IMPORT_DEADLINE_MS: z.coerce.number().int().min(1000).max(1_800_000).default(120_000),
  /**
   * Untrusted content (HTML, PDF, robots.txt, sitemaps, .zip) is parsed in a worker thread: each file or page
   * within this time and with at most KNOWLEDGE_IMPORT_PARSE_MEMORY_MB of heap, else the worker is ended and the
   * file refused.
   */
  KNOWLEDGE_IMPORT_PARSE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  KNOWLEDGE_IMPORT_PARSE_MEMORY_MB: z.coerce.number().int().min(32).max(4096).default(256),
  /** A chat attachment (a visitor's or an agent's file) at most this many bytes (413 above); default 10 MB. */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(100_000_000).default(10_000_000),
  /** One upload request (several files, or a .zip) at most this many bytes. */
  KNOWLEDGE_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(500_000_000).default(20_000_000),
  /**
   * `on` lets imports fetch private, loopback and link-local addresses (an intranet wiki; tests). Off by default:
   * an admin-supplied URL must not reach the server's own network (SSRF).
   */
  KNOWLEDGE_IMPORT_ALLOW_PRIVATE: z.enum(["on", "off"]).default("off"),
  /**
   * Hybrid retrieval: the embeddings model of an OpenAI-compatible `/v1/embeddings` endpoint (EMBEDDINGS_BASE_URL,
   * else LLM_BASE_URL). Unset → lexical retrieval only.
   */
  EMBEDDINGS_MODEL: z.string().trim().min(1).optional(),
  EMBEDDINGS_BASE_URL: z
    .url({
      protocol: /^https?$/,
      error: "EMBEDDINGS_BASE_URL must be an http(s) URL, e.g. http://127.0.0.1:11434/v1",
    })
    .optional(),
  /** Unset → LLM_API_KEY. */
  EMBEDDINGS_API_KEY: z.string().trim().min(1).optional(),
  /** Cosine similarity at which a passage counts as a confident answer by meaning alone (model-dependent). */
  EMBEDDINGS_MIN_SIMILARITY: z.coerce.number().min(0).max(1).default(0.5),
  /**
   * With no EMBEDDINGS_MODEL: `on` (the default) lets the sentence model embedded in the app's packages (Universal
   * Sentence Encoder lite, English; in a worker thread, loaded by the first question over English articles,
   * passages embedded in the background and stored) decide whether to answer, the lexical search ranking: measured
   * on two real documentation sets it improves every figure (docs/knowledge.md). `off`: lexical search only, for
   * a server that cannot spare its ~80–120 MB and ~50 ms of CPU a passage (once).
   */
  EMBEDDED_EMBEDDINGS: z.enum(["on", "off"]).default("on"),
  /**
   * The embedded model's worker is ended after this many minutes without a question or a passage to embed, giving
   * its ~110 MB back to a server at rest; the next question starts it again (~0.7 s). 0: kept while the server runs.
   */
  EMBEDDED_MODEL_IDLE_MINUTES: z.coerce.number().min(0).max(1440).default(15),
  /**
   * OpenAI-compatible LLM (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio). Unset LLM_BASE_URL → the
   * knowledge-base responder answers instead.
   */
  LLM_BASE_URL: z
    .url({
      protocol: /^https?$/,
      error: "LLM_BASE_URL must be an http(s) URL, e.g. http://127.0.0.1:11434/v1",
    })
    .optional(),
  LLM_API_KEY: z.string().trim().min(1).optional(),
  LLM_MODEL: z.string().trim().min(1).optional(),
  LLM_SYSTEM_PROMPT: z
    .string()
    .trim()
    .min(1)
    .default(
      "You are the support assistant on this website. Be brief, friendly and precise. Use markdown sparingly.",
    ),
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).optional(),
  LLM_MAX_TOKENS: z.coerce.number().int().min(1).max(100_000).optional(),
  /** Upstream silence (before the first token or between tokens) that fails a reply. */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  /** Conversation history sent with each question: at most this many messages and characters (oldest dropped). */
  LLM_HISTORY_MAX_MESSAGES: z.coerce.number().int().min(0).max(200).default(20),
  LLM_HISTORY_MAX_CHARS: z.coerce.number().int().min(0).max(1_000_000).default(12_000),
  /** Knowledge-base passages put into the prompt (and linked as sources). */
  LLM_GROUNDING_PASSAGES: z.coerce.number().int().min(0).max(10).default(3),
  /**
   * The query-rewrite step before retrieval: `always` (every question but small talk, read with the recent
   * conversation), `language` (only a question in another language than the articles) or `off`.
   */
  LLM_QUERY_REWRITE: z.enum(QUERY_REWRITE_MODES).default("always"),
  /**
   * Cost control. Prices per 1,000 tokens (in any currency) turn the dashboard's token counts into a cost
   * estimate. Past LLM_DAILY_TOKEN_BUDGET tokens (prompt + completion, UTC day) replies come from the
   * knowledge-base responder until midnight UTC. LLM_MAX_PROMPT_TOKENS bounds what is sent with each question
   * (system prompt, grounding passages, history; ~4 characters a token): the oldest history goes first.
   */
  LLM_PRICE_PER_1K_INPUT: z.coerce.number().min(0).max(1_000).optional(),
  LLM_PRICE_PER_1K_OUTPUT: z.coerce.number().min(0).max(1_000).optional(),
  LLM_DAILY_TOKEN_BUDGET: z.coerce.number().int().min(1).max(1_000_000_000_000).optional(),
  LLM_MAX_PROMPT_TOKENS: z.coerce.number().int().min(100).max(10_000_000).optional(),
  /**
   * A streaming reply not saved for this long (its run saves at least every few seconds while alive) lost its
   * writer, e.g. the server was killed: it is marked failed (partial text kept) and can be retried.
   */
  REPLY_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** How often one instance (a job lease in the database) looks for such replies. */
  REPLY_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** How long a finished reply's final save is retried while the database is unreachable, before `error`. */
  REPLY_FINAL_SAVE_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
  /**
   * Retention: sessions with no activity for more than this many days are deleted with their messages, and
   * visitors left with nothing and not seen for as long too (a job on one instance at a time). Unset → keep.
   */
  RETENTION_DAYS: z.coerce
    .number({ error: "RETENTION_DAYS must be a whole number of days, e.g. 365 (unset keeps everything)" })
    .int("RETENTION_DAYS must be a whole number of days")
    .min(1, "RETENTION_DAYS must be at least 1 (unset keeps everything)")
    .max(36_500)
    .optional(),
  /**
   * Identified visitors: the secret the site's server uses to sign user ids (user_hash = hex HMAC-SHA256 of the
   * user id). Unset → identify() only updates metadata; a user_hash is refused.
   */
  IDENTITY_SECRET: z.string().min(16, "IDENTITY_SECRET must be at least 16 characters").optional(),
  /** true → visitors not identified with a valid user_hash can read their conversations but not send. */
  IDENTITY_REQUIRED: z
    .enum(["true", "false"], { error: "IDENTITY_REQUIRED must be true or false" })
    .default("false")
    .transform((value) => value === "true"),
  /**
   * Webhooks (docs/webhooks.md): `true` allows endpoints on loopback, private and link-local addresses (a
   * receiver on your own network, tests). Off by default: such URLs are refused (SSRF protection).
   */
  WEBHOOKS_ALLOW_PRIVATE: z
    .enum(["true", "false"], { error: "WEBHOOKS_ALLOW_PRIVATE must be true or false" })
    .default("false")
    .transform((value) => value === "true"),
  /** How long one delivery attempt may take (connect, answer, body) before it counts as failed. */
  WEBHOOKS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
  /** Deliveries to one endpoint in flight at once (over all instances). */
  WEBHOOKS_CONCURRENCY_PER_ENDPOINT: z.coerce.number().int().min(1).max(100).default(4),
  /**
   * `off`: this instance stores webhook events but does not deliver them (e.g. web instances beside a dedicated
   * worker instance); another instance with `on` delivers them.
   */
  WEBHOOKS_DELIVERY: z.enum(["on", "off"], { error: "WEBHOOKS_DELIVERY must be on or off" }).default("on"),
  /** How often the delivery worker looks for new events and due retries. */
  WEBHOOKS_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /**
   * A visitor who asked for a person and was not claimed by an agent within this time is told nobody is available
   * (offered to leave an email) and the assistant answers again.
   */
  HANDOFF_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
  /**
   * Email (docs/email.md): the SMTP server to send through, smtp://user:pass@host:587 (STARTTLS when offered) or
   * smtps://user:pass@host:465. Unset (or MAIL_FROM unset) → no email is sent and the admin says email is off.
   */
  SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      error: "SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587",
    })
    .optional(),
  /** The sender of every email, e.g. "Support <support@example.com>". */
  MAIL_FROM: z
    .string()
    .trim()
    .min(3, "MAIL_FROM must be an address, e.g. Support <support@example.com>")
    .optional(),
  /** An agent's messages are emailed to a visitor who left an address once the widget was closed this long. */
  EMAIL_CONTINUITY_DELAY_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
  /** Replies by email: the domain of the Reply-To addresses (reply+<token>@INBOUND_EMAIL_DOMAIN). */
  INBOUND_EMAIL_DOMAIN: z
    .string()
    .trim()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "INBOUND_EMAIL_DOMAIN must be a domain, e.g. reply.example.com")
    .optional(),
  /** The bearer secret of POST /api/inbound/email/ (the MTA pipe or the provider's inbound webhook sends it). */
  INBOUND_EMAIL_SECRET: z
    .string()
    .trim()
    .min(16, "INBOUND_EMAIL_SECRET must be at least 16 characters")
    .optional(),
  /** Agents are emailed about a request still unclaimed this long after it was made. */
  AGENT_ALERT_AFTER_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** The public origin of the widget for links in emails; unset → BETTER_AUTH_URL, else http://localhost:3000. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: "PUBLIC_URL must be an http(s) URL" }).optional(),
  /** `off` disables rate limiting (benchmarks, trusted deployments behind their own limiter). */
  RATE_LIMITS: z.enum(["on", "off"]).default("on"),
  /** Limits as "<requests>/<seconds>"; see src/server/protection/rate-limits.ts for what each one counts. */
  RATE_LIMIT_VISITOR_CREATE_PER_IP: rateSchema.prefault("30/60"),
  /** Per /24 (IPv4) or /48 (IPv6) network, so one network cannot spend the total alone. */
  RATE_LIMIT_VISITOR_CREATE_PER_NETWORK: rateSchema.prefault("120/60"),
  RATE_LIMIT_VISITOR_CREATE_TOTAL: rateSchema.prefault("1200/60"),
  /** Once the total is spent, each network may still create this many (so a flood elsewhere locks no one out). */
  RATE_LIMIT_VISITOR_CREATE_RESERVE_PER_NETWORK: rateSchema.prefault("10/60"),
  RATE_LIMIT_SESSION_CREATE_PER_VISITOR: rateSchema.prefault("20/60"),
  RATE_LIMIT_SESSION_CREATE_PER_IP: rateSchema.prefault("60/60"),
  RATE_LIMIT_MESSAGE_PER_VISITOR: rateSchema.prefault("30/60"),
  RATE_LIMIT_MESSAGE_PER_SESSION: rateSchema.prefault("20/60"),
  RATE_LIMIT_MESSAGE_PER_IP: rateSchema.prefault("60/60"),
  /** Messages from everyone together: the bound on LLM spend (each message is at most one LLM reply). */
  RATE_LIMIT_MESSAGE_TOTAL: rateSchema.prefault("300/60"),
  /** Sessions renamed or deleted. */
  RATE_LIMIT_SESSION_CHANGE_PER_VISITOR: rateSchema.prefault("30/60"),
  RATE_LIMIT_SESSION_CHANGE_PER_IP: rateSchema.prefault("120/60"),
  /** Replies stopped. */
  RATE_LIMIT_STOP_PER_VISITOR: rateSchema.prefault("30/60"),
  RATE_LIMIT_STOP_PER_IP: rateSchema.prefault("120/60"),
  /** Files uploaded into a conversation (attachments), by a visitor. */
  RATE_LIMIT_UPLOAD_PER_VISITOR: rateSchema.prefault("20/60"),
  RATE_LIMIT_UPLOAD_PER_IP: rateSchema.prefault("60/60"),
  /** Pages of sessions and of messages listed, and event streams opened (sessions.events, the events route). */
  RATE_LIMIT_READ_PER_VISITOR: rateSchema.prefault("120/60"),
  RATE_LIMIT_READ_PER_IP: rateSchema.prefault("600/60"),
  /** Stored visitors validated (visitors.validate, a database write: last_seen_at). */
  RATE_LIMIT_VALIDATE_PER_VISITOR: rateSchema.prefault("30/60"),
  RATE_LIMIT_VALIDATE_PER_IP: rateSchema.prefault("120/60"),
  /** The widget's public settings read (widget.config; embed.js on each page view). */
  RATE_LIMIT_WIDGET_CONFIG_PER_IP: rateSchema.prefault("300/60"),
  /** Identifications (visitors.identify), per visitor and per client address. */
  RATE_LIMIT_IDENTIFY_PER_VISITOR: rateSchema.prefault("10/60"),
  RATE_LIMIT_IDENTIFY_PER_IP: rateSchema.prefault("60/60"),
  /** Page reports of the widget (visitors.context: the page the visitor is on), per visitor and per address. */
  RATE_LIMIT_CONTEXT_PER_VISITOR: rateSchema.prefault("30/60"),
  RATE_LIMIT_CONTEXT_PER_IP: rateSchema.prefault("240/60"),
  /** Admin sign-in attempts per client address, whatever the account (Better Auth's own limiter). */
  RATE_LIMIT_SIGN_IN_PER_IP: rateSchema.prefault("5/60"),
  /** Admin sign-in attempts per account and client address (the owner elsewhere is never locked out). */
  RATE_LIMIT_SIGN_IN_PER_ACCOUNT_IP: rateSchema.prefault("10/900"),
  /** Sign-in attempts from everyone together (password spraying across accounts)… */
  RATE_LIMIT_SIGN_IN_TOTAL: rateSchema.prefault("100/900"),
  /** …after which each network may still try this many. */
  RATE_LIMIT_SIGN_IN_RESERVE_PER_NETWORK: rateSchema.prefault("5/900"),
  /** Several app instances: shared rate-limit counters and the conversation event bus (e.g. redis://127.0.0.1:6379); unset → in process. */
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: "REDIS_URL must be a redis:// or rediss:// URL" })
    .optional(),
  /**
   * Reverse proxies in front of the app whose X-Forwarded-For / X-Forwarded-Proto are believed: unset → none
   * (the socket address is the client, whatever it sends); a number → that many proxy hops; or a list of proxy
   * addresses / CIDR ranges. Applied by `npm start` (scripts/start.ts); see protection/client-address.ts.
   */
  TRUSTED_PROXIES: z
    .string()
    .trim()
    .default("")
    .superRefine((value, ctx) => {
      try {
        parseTrustedProxies(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  /** Replaced by TRUSTED_PROXIES (which defaults to no proxy): refused so an old setting is not silently lost. */
  TRUSTED_PROXY_COUNT: z
    .undefined({ error: "TRUSTED_PROXY_COUNT was replaced by TRUSTED_PROXIES (e.g. TRUSTED_PROXIES=1)" })
    .optional(),
  /** Sites allowed to embed the widget in an iframe (CSP frame-ancestors), space-separated; * = any. */
  WIDGET_ALLOWED_ORIGINS: z
    .string()
    .trim()
    .min(1)
    .default("*")
    .refine((value) => value === "*" || invalidOrigins(value).length === 0, {
      error: (issue) =>
        `WIDGET_ALLOWED_ORIGINS must be * or website origins (scheme, host, optional port; a wildcard only as a leading *. label): not ${invalidOrigins(String(issue.input)).join(" ")}`,
    }),
  /** Browser origins allowed to call the REST bridge (CORS), comma-separated; empty = same origin only. */
  CORS_ALLOWED_ORIGINS: z.string().trim().default(""),
  /**
   * Bootstrap bearer key for the admin REST endpoints, beside the API keys managed on /admin/api-keys (use it to
   * script the first steps; it cannot manage keys).
   */
  ADMIN_API_KEY: z.string().trim().min(16, "ADMIN_API_KEY must be at least 16 characters").optional(),
  /**
   * Signs admin session cookies (Better Auth). Unset → a random secret is generated once and kept in
   * AUTH_SECRET_FILE, so a single instance works with no setup; several instances must share one value.
   */
  BETTER_AUTH_SECRET: z
    .string()
    .trim()
    .min(32, "BETTER_AUTH_SECRET must be at least 32 characters (e.g. openssl rand -base64 32)")
    .optional(),
  AUTH_SECRET_FILE: z.string().trim().min(1).default("data/auth-secret"),
  /**
   * The public origin of the admin pages, e.g. https://chat.example.com. Unset → taken from each request, and
   * cookies are not marked Secure; set it to an https:// URL in production so they are.
   */
  /** Log level of the JSON logs (one line per request, plus warnings and errors): pino's levels, or silent. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * Turns on /api/metrics (Prometheus text format), readable with `Authorization: Bearer <METRICS_TOKEN>`.
   * Unset → /api/metrics answers 404.
   */
  METRICS_TOKEN: z.string().trim().min(16, "METRICS_TOKEN must be at least 16 characters").optional(),
  BETTER_AUTH_URL: z
    .url({
      protocol: /^https?$/,
      error: "BETTER_AUTH_URL must be an http(s) URL, e.g. https://chat.example.com",
    })
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

const checkedEnvSchema = envSchema
  .refine((value) => !value.LLM_BASE_URL || value.LLM_MODEL, {
    message: "LLM_MODEL is required when LLM_BASE_URL is set (e.g. gpt-4o-mini, or llama3.2 on Ollama)",
    path: ["LLM_MODEL"],
  })
  .refine((value) => !value.EMBEDDINGS_MODEL || value.EMBEDDINGS_BASE_URL || value.LLM_BASE_URL, {
    message:
      "EMBEDDINGS_MODEL needs EMBEDDINGS_BASE_URL (or LLM_BASE_URL) to say where the embeddings endpoint is",
    path: ["EMBEDDINGS_BASE_URL"],
  });

function parseEnv(source: NodeJS.ProcessEnv): Env {
  // Empty strings (e.g. `ADMIN_API_KEY=` in a .env file) mean "unset", not "invalid".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const parsed = checkedEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv(process.env);
