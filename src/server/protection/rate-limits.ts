import { Redis } from "ioredis";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { env } from "~/env";
import { AppError } from "../errors/app-error";

/**
 * Every rate limit of the public endpoints, in one table. Counters live in memory, or in Redis when REDIS_URL
 * is set so that several app instances share them. Each action consumes one point from every rule that
 * applies to it; the first exhausted rule refuses the request with RateLimitedError (HTTP 429).
 */
export type LimitedAction = "createVisitor" | "createSession" | "sendMessage";

interface Rule {
  name: string;
  key: (subject: RateLimitSubject) => string | undefined;
  rate: { points: number; seconds: number };
}

export interface RateLimitSubject {
  ip: string;
  visitorId?: string;
  sessionId?: string;
}

const RULES: Record<LimitedAction, Rule[]> = {
  createVisitor: [
    { name: "visitor-create-ip", key: (s) => s.ip, rate: env.RATE_LIMIT_VISITOR_CREATE_PER_IP },
    // Backstop for per-IP limits evaded through many addresses or a forged X-Forwarded-For.
    { name: "visitor-create-all", key: () => "all", rate: env.RATE_LIMIT_VISITOR_CREATE_TOTAL },
  ],
  createSession: [
    {
      name: "session-create-visitor",
      key: (s) => s.visitorId,
      rate: env.RATE_LIMIT_SESSION_CREATE_PER_VISITOR,
    },
    { name: "session-create-ip", key: (s) => s.ip, rate: env.RATE_LIMIT_SESSION_CREATE_PER_IP },
  ],
  sendMessage: [
    { name: "message-visitor", key: (s) => s.visitorId, rate: env.RATE_LIMIT_MESSAGE_PER_VISITOR },
    { name: "message-session", key: (s) => s.sessionId, rate: env.RATE_LIMIT_MESSAGE_PER_SESSION },
  ],
};

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

function limiterFor(rule: Rule): RateLimiterAbstract {
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
  redis ??= new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  redis.on("error", () => {
    // Reported through the insurance limiter taking over; ioredis keeps reconnecting.
  });
  return redis;
}

function isLimiterResult(value: unknown): value is RateLimiterRes {
  return (
    typeof value === "object" && value !== null && typeof (value as RateLimiterRes).msBeforeNext === "number"
  );
}

/** Creates every limiter (and opens Redis) at start-up, so the first requests are counted in the shared store. */
export function prepareRateLimits(): void {
  if (env.RATE_LIMITS === "off") return;
  for (const rules of Object.values(RULES)) for (const rule of rules) limiterFor(rule);
}

/** Consumes one point for `action` from each applicable rule; throws RateLimitedError when one is exhausted. */
export async function enforceRateLimit(action: LimitedAction, subject: RateLimitSubject): Promise<void> {
  if (env.RATE_LIMITS === "off") return;
  for (const rule of RULES[action]) {
    // Ids are case-insensitive: normalise so "ABC…" and "abc…" share one bucket.
    const key = rule.key(subject)?.trim().toLowerCase().slice(0, 100);
    if (!key) continue;
    try {
      await limiterFor(rule).consume(key);
    } catch (rejection) {
      // Duck-typed: limiters are shared on globalThis, and each Next.js bundle has its own RateLimiterRes class.
      if (isLimiterResult(rejection)) {
        throw new RateLimitedError(
          rule.rate.points,
          rule.rate.seconds,
          Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
        );
      }
      throw rejection;
    }
  }
}

/**
 * The client's address. Behind N trusted proxies (TRUSTED_PROXY_COUNT) it is the N-th X-Forwarded-For entry
 * from the right, the one the outermost proxy appended, which the client cannot forge. Exposed directly,
 * Next.js fills the header with the socket address only when the client sent none, so a forged header
 * evades per-IP limits: deploy behind a proxy (the global visitor-creation limit bounds the damage).
 */
export function clientIp(headers: Headers): string {
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return forwarded[forwarded.length - Math.max(1, env.TRUSTED_PROXY_COUNT)] ?? forwarded[0] ?? "unknown";
}
