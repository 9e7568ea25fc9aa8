import { randomUUID } from "node:crypto";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "../../db/client";

/**
 * The events webhooks tell of (docs/webhooks.md). To add one (e.g. `visitor.deleted`): add its name here, then
 * put `...webhookEventWrites(db, "visitor.deleted", dto)` into the batch transaction that makes the change.
 */
export const WEBHOOK_EVENT_TYPES = ["visitor.created", "session.created", "message.created"] as const;
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
