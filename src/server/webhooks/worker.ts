import { Prisma } from "~/generated/prisma-postgresql/client";
import { Webhook } from "standardwebhooks";
import type { Db } from "../db/client";
import type { Dialect } from "../db/database-url";
import { isForeignKeyViolation, isUniqueViolation } from "../db/errors";
import { recordEndpointDisabled, recordWebhookAttempt, type WebhookAttemptOutcome } from "./metrics";
import { RESPONSE_EXCERPT_CHARS, sendWebhook, type SendResult } from "./send";
import { withoutControlCharacters } from "../chat/limits";
import type { Resolver } from "./url-guard";
import { logError, logger } from "../observability/logger";

/**
 * The webhook delivery worker's steps (the timer that runs them is src/server/jobs/webhook-worker.ts):
 *
 * 1. dispatch — each new outbox event (webhook_events) becomes one delivery row per enabled endpoint subscribed
 *    to its type (fan-out at delivery time: the change's transaction only inserts the event, never reads the
 *    endpoints); an event no endpoint wants is deleted.
 * 2. claim — due deliveries are leased to this worker (lease_owner, lease_until). PostgreSQL: rows locked with
 *    `FOR UPDATE SKIP LOCKED`, so several instances claim disjoint rows; SQLite: one instance at a time (the job
 *    lease) and a conditional update. At most `concurrencyPerEndpoint` deliveries of one endpoint are leased at
 *    once (the endpoint rows are locked while counting, on PostgreSQL).
 * 3. attempt — each on its own (WebhookAttempts: a round starts its attempts and does not wait for them, so a
 *    hanging receiver delays only its own deliveries), signed with `standardwebhooks`, POSTed with a timeout; the result is written only while the lease is
 *    still this worker's. Failures are retried with exponential backoff until `retry_until` (24 hours); an
 *    endpoint failing for 24 hours is disabled.
 */
export interface WebhookWorkerConfig {
  db: Db;
  dialect: Dialect;
  /** Who claims (unique per process). */
  holder: string;
  /** The clock (injectable for tests). */
  now: () => Date;
  timeoutMs: number;
  concurrencyPerEndpoint: number;
  allowPrivate: boolean;
  resolve?: Resolver;
  /** Rows handled per step. */
  batchSize?: number;
}

/** Deliveries are retried this long after the event (or a resend), and an endpoint failing this long is disabled. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
const FIRST_RETRY_MS = 10_000;
const MAX_RETRY_DELAY_MS = 4 * 60 * 60 * 1000;
const DISABLED_REASON =
  "Every delivery failed for 24 hours: fix the receiver, then enable the endpoint again.";

/** last_error of an attempt whose answer could not be stored (the attempt is counted all the same). */
const UNSTORABLE_ANSWER = "the receiver's answer could not be stored";

/** The wait after the n-th failed attempt: 10 s, 20 s, 40 s … doubling, at most 4 hours. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1), MAX_RETRY_DELAY_MS);
}

/** The event types an endpoint's `events` column holds. */
export function subscribedTypes(events: Prisma.JsonValue): string[] {
  return Array.isArray(events) ? events.filter((type): type is string => typeof type === "string") : [];
}

/** Step 1: fans new events out to the endpoints subscribed to them. Resolves with the events handled. */
export async function dispatchWebhookEvents(config: WebhookWorkerConfig): Promise<number> {
  const { db } = config;
  const events = await db.webhookEvent.findMany({
    where: { dispatched_at: null },
    orderBy: [{ created_at: "asc" }, { id: "asc" }],
    take: config.batchSize ?? 100,
    select: { id: true, type: true, created_at: true },
  });
  if (events.length === 0) return 0;
  const endpoints = await db.webhookEndpoint.findMany({
    where: { enabled: true },
    select: { id: true, events: true },
  });
  const now = config.now();
  if (endpoints.length === 0) {
    // No endpoints (the usual case without webhooks): drop the batch in one statement.
    await db.webhookEvent.deleteMany({
      where: { id: { in: events.map((event) => event.id) }, dispatched_at: null },
    });
    return events.length;
  }
  for (const event of events) {
    const targets = endpoints.filter((endpoint) => subscribedTypes(endpoint.events).includes(event.type));
    try {
      if (targets.length === 0) {
        // (Only while undispatched: another instance may have fanned it out meanwhile.)
        await db.webhookEvent.deleteMany({ where: { id: event.id, dispatched_at: null } });
        continue;
      }
      await db.$transaction([
        db.webhookDelivery.createMany({
          data: targets.map((endpoint) => ({
            event_id: event.id,
            endpoint_id: endpoint.id,
            next_attempt_at: now,
            retry_until: new Date(event.created_at.getTime() + RETRY_WINDOW_MS),
            created_at: now,
          })),
        }),
        db.webhookEvent.updateMany({ where: { id: event.id }, data: { dispatched_at: now } }),
      ]);
    } catch (error) {
      // Another instance fanned it out first (unique event + endpoint), or deleted it: nothing lost.
      if (!isUniqueViolation(error) && !isForeignKeyViolation(error)) throw error;
    }
  }
  return events.length;
}

interface Claimed {
  id: string;
  lease_until: Date;
}

/**
 * SQLite has one delivering instance (the job lease); within it, claims run one at a time so the in-flight count
 * and the leases it leads to are not interleaved with another claim's.
 */
let sqliteClaims: Promise<unknown> = Promise.resolve();
function serializedSqliteClaim<T>(claim: () => Promise<T>): Promise<T> {
  const result = sqliteClaims.then(claim);
  sqliteClaims = result.catch(() => undefined);
  return result;
}

/** Step 2: leases due deliveries to this worker, at most concurrencyPerEndpoint in flight per endpoint. */
export async function claimWebhookDeliveries(
  config: WebhookWorkerConfig,
  leaseMs: number,
): Promise<Claimed[]> {
  const now = config.now();
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const limit = config.batchSize ?? 50;

  const claim = async (tx: Prisma.TransactionClient): Promise<string[]> => {
    // Endpoints whose in-flight deliveries fill their concurrency are left out of the candidates, so one busy
    // (or hanging) endpoint's backlog cannot fill a claim and keep the others' deliveries waiting.
    const busy = await tx.webhookDelivery.groupBy({
      by: ["endpoint_id"],
      where: { status: "pending", lease_until: { gte: now } },
      _count: { _all: true },
    });
    const full = busy
      .filter((row) => row._count._all >= config.concurrencyPerEndpoint)
      .map((row) => row.endpoint_id);
    const candidates =
      config.dialect === "postgresql"
        ? await tx.$queryRaw<{ id: string; endpoint_id: string }[]>`
            SELECT d.id::text AS id, d.endpoint_id::text AS endpoint_id
            FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
            WHERE d.status = 'pending' AND e.enabled AND d.next_attempt_at <= ${now}
              AND (d.lease_until IS NULL OR d.lease_until < ${now})
              ${full.length > 0 ? Prisma.sql`AND d.endpoint_id::text NOT IN (${Prisma.join(full)})` : Prisma.empty}
            ORDER BY d.next_attempt_at, d.id
            LIMIT ${limit}
            FOR UPDATE OF d SKIP LOCKED`
        : await tx.webhookDelivery.findMany({
            where: {
              status: "pending",
              endpoint: { enabled: true },
              endpoint_id: { notIn: full },
              next_attempt_at: { lte: now },
              OR: [{ lease_until: null }, { lease_until: { lt: now } }],
            },
            orderBy: [{ next_attempt_at: "asc" }, { id: "asc" }],
            take: limit,
            select: { id: true, endpoint_id: true },
          });
    if (candidates.length === 0) return [];
    const endpointIds = [...new Set(candidates.map((row) => row.endpoint_id))].sort();
    if (config.dialect === "postgresql") {
      // Claims of one endpoint take turns, so the in-flight count below is not raced by another instance.
      await tx.$queryRaw`SELECT id FROM webhook_endpoints WHERE id::text IN (${Prisma.join(endpointIds)}) ORDER BY id FOR UPDATE`;
    }
    const inFlight = await tx.webhookDelivery.groupBy({
      by: ["endpoint_id"],
      where: { endpoint_id: { in: endpointIds }, status: "pending", lease_until: { gte: now } },
      _count: { _all: true },
    });
    const room = new Map(endpointIds.map((id) => [id, config.concurrencyPerEndpoint]));
    for (const row of inFlight) room.set(row.endpoint_id, config.concurrencyPerEndpoint - row._count._all);
    const chosen: string[] = [];
    for (const candidate of candidates) {
      const left = room.get(candidate.endpoint_id) ?? 0;
      if (left <= 0) continue;
      room.set(candidate.endpoint_id, left - 1);
      chosen.push(candidate.id);
    }
    if (chosen.length === 0) return [];
    await tx.webhookDelivery.updateMany({
      where: {
        id: { in: chosen },
        status: "pending",
        next_attempt_at: { lte: now },
        OR: [{ lease_until: null }, { lease_until: { lt: now } }],
      },
      data: { lease_owner: config.holder, lease_until: leaseUntil },
    });
    return chosen;
  };

  const chosen =
    config.dialect === "postgresql"
      ? await config.db.$transaction((tx) => claim(tx))
      : await serializedSqliteClaim(() => claim(config.db as unknown as Prisma.TransactionClient));
  if (chosen.length === 0) return [];
  // Exactly the rows whose lease this worker now holds.
  const held = await config.db.webhookDelivery.findMany({
    where: { id: { in: chosen }, lease_owner: config.holder, lease_until: leaseUntil },
    select: { id: true },
  });
  return held.map((row) => ({ id: row.id, lease_until: leaseUntil }));
}

/** The request body: Standard Webhooks' envelope. */
export function webhookBody(event: { type: string; created_at: Date; payload: Prisma.JsonValue }): string {
  return JSON.stringify({ type: event.type, timestamp: event.created_at.toISOString(), data: event.payload });
}

/** Step 3: one attempt of a claimed delivery. Resolves with its outcome (undefined if it was no longer ours). */
export async function attemptWebhookDelivery(
  config: WebhookWorkerConfig,
  claimed: Claimed,
): Promise<WebhookAttemptOutcome | undefined> {
  const { db } = config;
  const row = await db.webhookDelivery.findUnique({
    where: { id: claimed.id },
    include: { event: true, endpoint: true },
  });
  if (
    !row ||
    row.status !== "pending" ||
    row.lease_owner !== config.holder ||
    row.lease_until?.getTime() !== claimed.lease_until.getTime()
  )
    return undefined;
  const body = webhookBody(row.event);
  const sentAt = config.now();
  const headers = {
    "content-type": "application/json",
    "user-agent": "visitor-chat-webhooks/1",
    "webhook-id": row.event.id,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": new Webhook(row.endpoint.secret).sign(row.event.id, sentAt, body),
  };
  const started = Date.now();
  let result: SendResult;
  try {
    result = await sendWebhook(row.endpoint.url, headers, body, {
      timeoutMs: config.timeoutMs,
      allowPrivate: config.allowPrivate,
      resolve: config.resolve,
    });
  } catch (error) {
    result = { status: null, body: "", error: error instanceof Error ? error.message : String(error) };
  }
  const now = config.now();
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const attempts = row.attempts + 1;
  const nextAttemptAt = new Date(now.getTime() + retryDelayMs(attempts));
  const outcome: WebhookAttemptOutcome = ok
    ? "succeeded"
    : nextAttemptAt.getTime() > row.retry_until.getTime()
      ? "failed"
      : "retrying";
  const held = { id: row.id, lease_owner: config.holder, lease_until: claimed.lease_until };
  // The attempt is counted whatever happens to the rest of the result's write: what the receiver answered is
  // external text (control characters removed, src/server/chat/limits.ts), and if it still cannot be stored the
  // attempt, its outcome and the next try are written without it.
  const bookkeeping = {
    attempts,
    status: outcome === "retrying" ? "pending" : outcome,
    last_attempt_at: sentAt,
    last_status: result.status,
    lease_owner: null,
    lease_until: null,
    ...(ok ? { delivered_at: now } : outcome === "retrying" ? { next_attempt_at: nextAttemptAt } : {}),
  };
  let count: number;
  try {
    ({ count } = await db.webhookDelivery.updateMany({
      where: held,
      data: {
        ...bookkeeping,
        last_response: withoutControlCharacters(result.body).slice(0, RESPONSE_EXCERPT_CHARS),
        last_error: result.error === null ? null : withoutControlCharacters(result.error),
      },
    }));
  } catch (error) {
    logError("webhooks: could not store an attempt's answer (stored without it)", error, {
      delivery_id: row.id,
    });
    ({ count } = await db.webhookDelivery.updateMany({
      where: held,
      data: { ...bookkeeping, last_response: null, last_error: UNSTORABLE_ANSWER },
    }));
  }
  if (Number(count) === 0) return undefined;
  recordWebhookAttempt({
    endpoint_id: row.endpoint_id,
    event_type: row.event.type,
    outcome,
    status: result.status,
    duration_ms: Date.now() - started,
  });
  await recordEndpointHealth(config, row.endpoint_id, ok, now);
  return outcome;
}

/** A success clears failing_since; a failure starts it, and after 24 hours of failing disables the endpoint. */
async function recordEndpointHealth(config: WebhookWorkerConfig, endpointId: string, ok: boolean, now: Date) {
  const { db } = config;
  if (ok) {
    await db.webhookEndpoint.updateMany({
      where: { id: endpointId, failing_since: { not: null } },
      data: { failing_since: null },
    });
    return;
  }
  await db.webhookEndpoint.updateMany({
    where: { id: endpointId, failing_since: null },
    data: { failing_since: now },
  });
  const { count } = await db.webhookEndpoint.updateMany({
    where: {
      id: endpointId,
      enabled: true,
      failing_since: { lte: new Date(now.getTime() - RETRY_WINDOW_MS) },
    },
    data: { enabled: false, disabled_at: now, disabled_reason: DISABLED_REASON, updated_at: now },
  });
  if (Number(count) > 0) {
    recordEndpointDisabled();
    logger.warn({ endpoint_id: endpointId }, "webhooks: endpoint disabled (failing for 24 hours)");
  }
}

/** The lease of a claimed delivery outlives its attempt (timeout) with room for writing the result. */
function attemptLeaseMs(config: WebhookWorkerConfig): number {
  return config.timeoutMs * 2 + 30_000;
}

/**
 * One round, waited for: dispatch, claim, attempt (concurrently), resolving with the outcomes of the attempts made
 * once they have all ended. Tests and tools drive delivery with it; the worker uses startWebhookRound, which does
 * not wait.
 */
export async function runWebhookRound(config: WebhookWorkerConfig): Promise<WebhookAttemptOutcome[]> {
  await dispatchWebhookEvents(config);
  const claimed = await claimWebhookDeliveries(config, attemptLeaseMs(config));
  const outcomes = await Promise.all(claimed.map((delivery) => attemptWebhookDelivery(config, delivery)));
  return outcomes.filter((outcome): outcome is WebhookAttemptOutcome => outcome !== undefined);
}

/**
 * The attempts a worker has started and not yet finished. Each runs on its own (its own timeout): a round starts
 * them and returns, so an endpoint that hangs holds only its own deliveries — at most concurrencyPerEndpoint
 * leased at once, counted by the claim — while the next rounds keep delivering to every other endpoint.
 */
export class WebhookAttempts {
  private readonly running = new Set<Promise<unknown>>();

  start(attempt: Promise<unknown>): void {
    const tracked = attempt
      .catch((error: unknown) => logError("webhooks: an attempt failed", error))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Attempts in flight in this process. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves once every attempt started so far has ended (the worker's stop). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/**
 * One round that does not wait for its attempts: dispatch, claim what is due (endpoints with room only), start
 * each attempt in `attempts`. Resolves with the number of attempts started.
 */
export async function startWebhookRound(
  config: WebhookWorkerConfig,
  attempts: WebhookAttempts,
): Promise<number> {
  await dispatchWebhookEvents(config);
  const claimed = await claimWebhookDeliveries(config, attemptLeaseMs(config));
  for (const delivery of claimed) attempts.start(attemptWebhookDelivery(config, delivery));
  return claimed.length;
}
