import { randomUUID } from "node:crypto";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "../../db/client";

/**
 * The events webhooks tell of (docs/webhooks.md). To add one (e.g. `visitor.deleted`): add its name here, then
 * put `...webhookEventWrites(db, "visitor.deleted", dto)` into the batch transaction that makes the change.
 */
export const WEBHOOK_EVENT_TYPES = [
  "visitor.created",
  "session.created",
  "message.created",
  "visitor.deleted",
  "feedback.created",
  "session.handoff_requested",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A client the outbox row can be written with: the app's client or an interactive transaction's. */
export type WebhookEventWriter = Pick<Db, "webhookEvent">;

/** A new event id, sent as `webhook-id` (Standard Webhooks' `msg_` form). */
export function newWebhookEventId(): string {
  return `msg_${randomUUID().replaceAll("-", "")}`;
}

/**
 * The outbox write of one event, to run in the same transaction as the change it tells of (so an event is
 * stored if and only if the change is): spread it into a batch, `db.$transaction([change, ...webhookEventWrites(…)])`,
 * or await each in an interactive transaction. `data` is the public DTO of the object (the envelope's `data`).
 * The delivery worker (src/server/webhooks) sends it to every enabled endpoint subscribed to `type`.
 */
export function webhookEventWrites(
  db: WebhookEventWriter,
  type: WebhookEventType,
  data: Prisma.InputJsonObject | object,
  at: Date = new Date(),
): Prisma.PrismaPromise<unknown>[] {
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
