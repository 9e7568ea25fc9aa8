import type { Redis } from "ioredis";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { env } from "~/env";
import { AppError } from "../errors/app-error";
import { addressBucket, networkOf } from "./client-address";
import { metrics } from "../observability/metrics";
import { ioredis } from "../db/ioredis";

export { clientIp } from "./client-address";

/**
 * Every rate limit of the public endpoints and of admin sign-in, in one table. Counters live in memory, or in
 * Redis when REDIS_URL is set so that several app instances share them. Each action consumes one point from
 * every rule that applies to it, in order; the first exhausted rule refuses the request with RateLimitedError
 * (HTTP 429). Addresses are the trusted client address (client-address.ts): a client cannot choose its own.
 *
 * A total (all clients together) is a backstop that a crowd could otherwise use up for everyone, so those rules
 * have a `reserve`: once the total is spent, each network (/24 or /48) may still go on at the reserve's small
 * rate. The message total has none: it is the hard bound on LLM spend.
 */
export type LimitedAction =
  | "createVisitor"
  | "createSession"
  | "sendMessage"
  | "changeSession"
  | "stopReply"
  | "uploadAttachment"
  | "readHistory"
  | "validateVisitor"
  | "readWidgetConfig"
  | "identify"
  | "reportContext"
  | "signIn";

interface Rule {
  name: string;
  key: (subject: RateLimitSubject) => string | undefined;
  rate: { points: number; seconds: number };
  /** Consulted when this rule is exhausted: the request passes if the reserve still has points for it. */
  reserve?: Omit<Rule, "reserve">;
}

export interface RateLimitSubject {
  ip: string;
  visitorId?: string;
  sessionId?: string;
  /** The email an admin sign-in attempt is for. */
  account?: string;
}

const address = (s: RateLimitSubject) => addressBucket(s.ip);
const network = (s: RateLimitSubject) => networkOf(s.ip);

/** The usual pair of rules: `<name>-visitor` per visitor id, then `<name>-ip` per client address. */
function perVisitorAndAddress(name: string, perVisitor: Rule["rate"], perAddress: Rule["rate"]): Rule[] {
  return [
    { name: `${name}-visitor`, key: (s) => s.visitorId, rate: perVisitor },
    { name: `${name}-ip`, key: address, rate: perAddress },
  ];
}

const RULES: Record<LimitedAction, Rule[]> = {
  createVisitor: [
    { name: "visitor-create-ip", key: address, rate: env.RATE_LIMIT_VISITOR_CREATE_PER_IP },
    { name: "visitor-create-network", key: network, rate: env.RATE_LIMIT_VISITOR_CREATE_PER_NETWORK },
    {
      name: "visitor-create-all",
      key: () => "all",
      rate: env.RATE_LIMIT_VISITOR_CREATE_TOTAL,
      reserve: {
        name: "visitor-create-reserve",
        key: network,
        rate: env.RATE_LIMIT_VISITOR_CREATE_RESERVE_PER_NETWORK,
      },
    },
  ],
  createSession: perVisitorAndAddress(
    "session-create",
    env.RATE_LIMIT_SESSION_CREATE_PER_VISITOR,
    env.RATE_LIMIT_SESSION_CREATE_PER_IP,
  ),
  sendMessage: [
    { name: "message-visitor", key: (s) => s.visitorId, rate: env.RATE_LIMIT_MESSAGE_PER_VISITOR },
    { name: "message-session", key: (s) => s.sessionId, rate: env.RATE_LIMIT_MESSAGE_PER_SESSION },
    { name: "message-ip", key: address, rate: env.RATE_LIMIT_MESSAGE_PER_IP },
    // The bound on LLM spend: every reply costs one point here, whoever asks.
    { name: "message-all", key: () => "all", rate: env.RATE_LIMIT_MESSAGE_TOTAL },
  ],
  // Renaming and deleting sessions: cheap, but each is a database write.
  changeSession: perVisitorAndAddress(
    "session-change",
    env.RATE_LIMIT_SESSION_CHANGE_PER_VISITOR,
    env.RATE_LIMIT_SESSION_CHANGE_PER_IP,
  ),
  stopReply: perVisitorAndAddress("stop", env.RATE_LIMIT_STOP_PER_VISITOR, env.RATE_LIMIT_STOP_PER_IP),
  // Files uploaded into a conversation: each is up to ATTACHMENT_MAX_BYTES stored in the database.
  uploadAttachment: perVisitorAndAddress(
    "upload",
    env.RATE_LIMIT_UPLOAD_PER_VISITOR,
    env.RATE_LIMIT_UPLOAD_PER_IP,
  ),
  // Listing sessions and messages (pages of up to 100 rows). The widget polls its messages every 1.5 s while
  // a reply it did not stream is still being written: 40 a minute.
  readHistory: perVisitorAndAddress("read", env.RATE_LIMIT_READ_PER_VISITOR, env.RATE_LIMIT_READ_PER_IP),
  // Validating a stored visitor writes its last_seen_at: bounded per visitor and per address.
  validateVisitor: perVisitorAndAddress(
    "validate",
    env.RATE_LIMIT_VALIDATE_PER_VISITOR,
    env.RATE_LIMIT_VALIDATE_PER_IP,
  ),
  readWidgetConfig: [{ name: "widget-config-ip", key: address, rate: env.RATE_LIMIT_WIDGET_CONFIG_PER_IP }],
  identify: perVisitorAndAddress(
    "identify",
    env.RATE_LIMIT_IDENTIFY_PER_VISITOR,
    env.RATE_LIMIT_IDENTIFY_PER_IP,
  ),
  // The widget's page reports (one per navigation of the host page).
  reportContext: perVisitorAndAddress(
    "context",
    env.RATE_LIMIT_CONTEXT_PER_VISITOR,
    env.RATE_LIMIT_CONTEXT_PER_IP,
  ),
  // The total stops password spraying across accounts. The per account-and-address limits are true sliding
  // windows in the database (src/server/admin/auth/sign-in-window.ts), so colleagues never block each other.
  signIn: [
    {
      name: "sign-in-all",
      key: () => "all",
      rate: env.RATE_LIMIT_SIGN_IN_TOTAL,
      reserve: { name: "sign-in-reserve", key: network, rate: env.RATE_LIMIT_SIGN_IN_RESERVE_PER_NETWORK },
    },
  ],
};

/** Sign-in protection holds even with RATE_LIMITS=off (which is for benchmarks of the chat endpoints). */
const ALWAYS_ON: ReadonlySet<LimitedAction> = new Set(["signIn"]);

/** RATE_LIMITED (HTTP 429), with what the limit was and when to retry. */
export class RateLimitedError extends AppError<"RATE_LIMITED"> {
  override readonly name = "RateLimitedError";

  constructor(
    readonly limit: number,
    readonly windowSeconds: number,
    readonly retryAfterSeconds: number,
  ) {
    super("RATE_LIMITED", { params: { retryAfterSeconds } });
  }

  /** Retry-After and the IETF draft RateLimit-* headers, for 429 answers on every transport. */
  override headers(): Record<string, string> {
    return {
      "retry-after": String(this.retryAfterSeconds),
      "ratelimit-limit": String(this.limit),
      "ratelimit-remaining": "0",
      "ratelimit-reset": String(this.retryAfterSeconds),
      "ratelimit-policy": `${this.limit};w=${this.windowSeconds}`,
    };
  }
}

type Limiters = Map<string, RateLimiterAbstract>;
const globalLimiters = globalThis as typeof globalThis & { __visitorChatLimiters?: Limiters };

function limiterFor(rule: Omit<Rule, "reserve">): RateLimiterAbstract {
  const limiters = (globalLimiters.__visitorChatLimiters ??= new Map());
  let limiter = limiters.get(rule.name);
  if (!limiter) {
    const options = {
      keyPrefix: `visitor-chat:${rule.name}`,
      points: rule.rate.points,
      duration: rule.rate.seconds,
    };
    limiter = env.REDIS_URL
      ? new RateLimiterRedis({
          ...options,
          storeClient: redisClient(env.REDIS_URL),
          // If Redis is down, count in memory rather than refuse everyone (or let everyone through).
          insuranceLimiter: new RateLimiterMemory(options),
        })
      : new RateLimiterMemory(options);
    limiters.set(rule.name, limiter);
  }
  return limiter;
}

let redis: Redis | undefined;
function redisClient(url: string): Redis {
  // Commands wait for the connection (queued) rather than fail while it opens; if Redis is unreachable they
  // fail after one retry and the in-memory insurance limiter counts instead.
  // One client and one error listener for every limiter (a listener per limiter passed Node's warning limit).
  if (!redis) {
    redis = new (ioredis().Redis)(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
    redis.on("error", () => {
      // Reported through the insurance limiter taking over; ioredis keeps reconnecting.
    });
  }
  return redis;
}

function isLimiterResult(value: unknown): value is RateLimiterRes {
  return (
    typeof value === "object" && value !== null && typeof (value as RateLimiterRes).msBeforeNext === "number"
  );
}

/** Creates every limiter (and opens Redis) at start-up, so the first requests are counted in the shared store. */
export function prepareRateLimits(): void {
  for (const [action, rules] of Object.entries(RULES) as [LimitedAction, Rule[]][]) {
    if (env.RATE_LIMITS === "off" && !ALWAYS_ON.has(action)) continue;
    for (const rule of rules) {
      limiterFor(rule);
      if (rule.reserve) limiterFor(rule.reserve);
    }
  }
}

/** Consumes one point for `key`; the limiter's answer when it refuses, undefined when it allows. */
async function consume(rule: Omit<Rule, "reserve">, key: string): Promise<RateLimiterRes | undefined> {
  try {
    await limiterFor(rule).consume(key);
    return undefined;
  } catch (rejection) {
    // Duck-typed: limiters are shared on globalThis, and each Next.js bundle has its own RateLimiterRes class.
    if (isLimiterResult(rejection)) return rejection;
    throw rejection;
  }
}

function keyOf(rule: Omit<Rule, "reserve">, subject: RateLimitSubject): string | undefined {
  // Ids and emails are case-insensitive: normalise so "ABC…" and "abc…" share one bucket.
  return rule.key(subject)?.trim().toLowerCase().slice(0, 400) || undefined;
}

/** Consumes one point for `action` from each applicable rule; throws RateLimitedError when one is exhausted. */
export async function enforceRateLimit(action: LimitedAction, subject: RateLimitSubject): Promise<void> {
  if (env.RATE_LIMITS === "off" && !ALWAYS_ON.has(action)) return;
  for (const rule of RULES[action]) {
    const key = keyOf(rule, subject);
    if (!key) continue;
    const rejection = await consume(rule, key);
    if (!rejection) continue;
    const reserveKey = rule.reserve && keyOf(rule.reserve, subject);
    if (rule.reserve && reserveKey && !(await consume(rule.reserve, reserveKey))) continue;
    metrics.rateLimitRejections.inc({ action });
    throw new RateLimitedError(
      rule.rate.points,
      rule.rate.seconds,
      Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
    );
  }
}
