import { randomUUID } from "node:crypto";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "../../db/client";

/**
 * The webhook outbox. The events webhooks tell of are the catalogue's with destination `webhook`
 * (../events/catalogue.ts); their rows are written by commitChange (../events/commit-change.ts) in the change's
 * transaction, never by hand.
 */
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../events/catalogue";
import type { WebhookEventType } from "../events/catalogue";

/** A client the outbox row can be written with: the app's client or an interactive transaction's. */
export type WebhookEventWriter = Pick<Db, "webhookEvent">;

/** A new event id, sent as `webhook-id` (Standard Webhooks' `msg_` form). */
export function newWebhookEventId(): string {
  return `msg_${randomUUID().replaceAll("-", "")}`;
}

/**
 * Which event types some enabled endpoint wants, per database client, refreshed at most every
 * SUBSCRIPTIONS_REFRESH_MS in the background: an install without webhooks (most) writes no outbox row at all on the
 * chat's hot path. Unknown (a cold cache, a transaction's client, a refresh that failed) counts as wanted — an
 * event is never dropped for lack of knowledge. Registering, changing or deleting an endpoint forgets the cache of
 * that instance at once; other instances see it within SUBSCRIPTIONS_REFRESH_MS (docs/webhooks.md).
 */
export const SUBSCRIPTIONS_REFRESH_MS = 2_000;

interface Subscriptions {
  types: Set<string> | null;
  checkedAt: number;
  refreshing?: Promise<void>;
}

type SubscriptionReader = Pick<Db, "webhookEndpoint">;

const globalSubscriptions = globalThis as typeof globalThis & {
  __visitorChatWebhookSubscriptions?: WeakMap<object, Subscriptions>;
};
const subscriptions: WeakMap<object, Subscriptions> =
  (globalSubscriptions.__visitorChatWebhookSubscriptions ??= new WeakMap());

/** Reads which types the enabled endpoints want (and remembers it for this client). Never throws. */
export function refreshWebhookSubscriptions(db: SubscriptionReader): Promise<void> {
  const entry = subscriptions.get(db) ?? { types: null, checkedAt: 0 };
  subscriptions.set(db, entry);
  entry.refreshing ??= (async () => {
    try {
      const rows = await db.webhookEndpoint.findMany({ where: { enabled: true }, select: { events: true } });
      entry.types = new Set(rows.flatMap((row) => (Array.isArray(row.events) ? row.events.map(String) : [])));
      entry.checkedAt = Date.now();
    } catch {
      entry.types = null; // unknown: write every event until a refresh succeeds
    } finally {
      entry.refreshing = undefined;
    }
  })();
  return entry.refreshing;
}

/** The endpoints changed (on this instance): write every event until the next refresh. */
export function forgetWebhookSubscriptions(db: object): void {
  subscriptions.delete(db);
}

/** Whether an event of this type must be written to the outbox now (see SUBSCRIPTIONS_REFRESH_MS). */
export function wantsWebhookEvent(db: object, type: WebhookEventType): boolean {
  const entry = subscriptions.get(db);
  // (Refreshed with the app's client only: a transaction's client is short-lived, and its events are written.)
  if ("$transaction" in db && (!entry || Date.now() - entry.checkedAt > SUBSCRIPTIONS_REFRESH_MS))
    void refreshWebhookSubscriptions(db as unknown as SubscriptionReader);
  return !entry?.types || entry.types.has(type);
}

/**
 * The outbox write of one event, to run in the same transaction as the change it tells of (so an event is
 * stored if and only if the change is): spread it into a batch, `db.$transaction([change, ...webhookEventWrites(…)])`,
 * or await each in an interactive transaction. `data` is the public DTO of the object (the envelope's `data`).
 * The delivery worker (src/server/webhooks) sends it to every enabled endpoint subscribed to `type`; no write at
 * all when no endpoint wants the type (wantsWebhookEvent).
 */
export function webhookEventWrites(
  db: WebhookEventWriter,
  type: WebhookEventType,
  data: Prisma.InputJsonObject | object,
  at: Date = new Date(),
): Prisma.PrismaPromise<unknown>[] {
  if (!wantsWebhookEvent(db, type)) return [];
  return [
    db.webhookEvent.create({
      data: { id: newWebhookEventId(), type, payload: data as Prisma.InputJsonObject, created_at: at },
      select: { id: true },
    }),
  ];
}

/**
 * Erasure and retention: drops the stored events (and, by cascade, their deliveries) whose payload mentions any of
 * these ids — a visitor's or its sessions' — so no copy of deleted content stays in the outbox. Ids are UUIDs, so
 * a text match on the payload cannot hit another visitor's. Written once for both databases (CAST to text).
 */
export async function forgetWebhookEventsOf(
  db: Pick<Db, "$executeRaw">,
  ids: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (const id of ids) {
    deleted += Number(
      await db.$executeRaw`DELETE FROM webhook_events WHERE CAST(payload AS TEXT) LIKE ${`%${id}%`}`,
    );
  }
  return deleted;
}
