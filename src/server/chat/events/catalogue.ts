import { z } from "zod";
import { FEEDBACK_RATINGS } from "../feedback/feedback.schema";
import { messageSchema } from "../messages/message.schema";
import { sessionSchema } from "../sessions/session.schema";
import { visitorSchema } from "../visitors/visitor.schema";
import { visitorContextUpdatedSchema } from "../visitors/visitor-context.schema";

/**
 * THE event catalogue: every domain event, its payload (`data`, over the DTO schemas that already exist) and where
 * it goes. Everything else is derived from it: the TypeScript types (`DomainEvent`, `EventData<T>`), what
 * `commitChange` writes and publishes, the OpenAPI frames of both SSE endpoints and its `webhooks` section, the
 * widget's and the inbox's event types, and the tables in docs/webhooks.md and docs/rest-api.md (a test compares).
 *
 * Destinations:
 * - `followers`: delivered live to the session's followers (the widget's subscription, GET
 *   /api/chats/sessions/{id}/events/), with a per-session sequence, kept for resuming unless `ephemeral`;
 * - `admin`: delivered live to the admin stream (the inbox's subscription, GET /api/admin/events/);
 * - `webhook`: stored in the webhook outbox in the change's transaction and delivered to subscribed endpoints.
 * The audit log's actions are listed beside this file (`audit-actions.ts`): an audit entry records who did a
 * change, an event tells what changed.
 *
 * To add an event: one entry here (its schema, `to`, `when`, `roles` if it carries messages), then pass it to
 * `commitChange` where the change is made. Browser code imports only the types of this module.
 */

/** `message.delta`: a piece of a reply being written. */
export const messageDeltaSchema = z
  .object({
    message_id: z.uuid().meta({ description: "The assistant message being written." }),
    text: z.string().meta({ description: "The next piece of its text (append it)." }),
  })
  .meta({ id: "MessageDelta" });

/** `typing`: someone is typing (never kept). */
export const typingSchema = z
  .object({
    role: z.enum(["visitor", "agent"]),
    active: z.boolean().meta({ description: "true while typing, false once stopped." }),
  })
  .meta({ id: "Typing" });

/** `visitor.deleted`: what an erasure removed (ids and counts, nothing personal). */
export const visitorDeletedSchema = z
  .object({
    id: z.uuid().meta({ description: "The erased visitor's id." }),
    sessions: z.number().int().meta({ description: "Sessions deleted." }),
    messages: z.number().int().meta({ description: "Messages deleted." }),
  })
  .meta({ id: "VisitorDeletedEvent" });

/** `feedback.created`: a visitor rated an assistant reply (or changed the rating). */
export const feedbackCreatedSchema = z
  .object({
    message_id: z.uuid(),
    session_id: z.uuid(),
    visitor_id: z.uuid(),
    rating: z.enum(FEEDBACK_RATINGS),
    comment: z.string().nullable(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: "FeedbackCreatedEvent" });

/** `session.handoff_missed`: a request for a person nobody answered, for a follow-up by other means. */
export const handoffMissedSchema = z
  .object({
    session: sessionSchema,
    visitor_email: z.string().nullable().meta({
      description:
        "The address the visitor left for an answer; null if none (yet: leaving one announces it again).",
    }),
    last_visitor_message: messageSchema
      .nullable()
      .meta({ description: "The visitor's latest message, if any." }),
  })
  .meta({ id: "HandoffMissedEvent" });

interface Destinations {
  followers: boolean;
  admin: boolean;
  webhook: boolean;
}

interface CatalogueEntry {
  data: z.ZodType;
  to: Destinations;
  /** Delivered live but never kept for replay. */
  ephemeral?: boolean;
  /** When it happens (docs and OpenAPI). */
  when: string;
}

const LIVE = { followers: true, admin: true, webhook: false } as const satisfies Destinations;
const WEBHOOK = { followers: false, admin: false, webhook: true } as const satisfies Destinations;

export const EVENT_CATALOGUE = {
  "message.created": {
    data: messageSchema,
    to: { followers: true, admin: true, webhook: true },
    when:
      "a message is stored: the visitor's (in every mode), an agent's, and an assistant reply — live as soon as " +
      "it starts (status streaming), to webhooks once it is complete",
  },
  "message.delta": {
    data: messageDeltaSchema,
    to: LIVE,
    when: "a piece of an assistant reply is written (live only)",
  },
  "message.updated": {
    data: messageSchema,
    to: LIVE,
    when: "a message changed: a reply ended (complete, failed, stopped) or is written again (retry)",
  },
  "session.updated": {
    data: sessionSchema,
    to: LIVE,
    when: "the session changed: its title, its mode (a person was asked for, claimed, released, closed)",
  },
  typing: {
    data: typingSchema,
    to: LIVE,
    ephemeral: true,
    when: "the visitor or the agent starts or stops typing (live only, never kept)",
  },
  "visitor.context_updated": {
    data: visitorContextUpdatedSchema,
    to: LIVE,
    ephemeral: true,
    when:
      "the widget reports the page the visitor is on (on open and on each navigation of the host page); to the " +
      "visitor's most recent session (live only, never kept)",
  },
  "visitor.created": {
    data: visitorSchema,
    to: WEBHOOK,
    when: "a visitor is created (POST /api/chats/visitors/)",
  },
  "session.created": {
    data: sessionSchema,
    to: WEBHOOK,
    when: "a session is created",
  },
  "session.handoff_requested": {
    data: sessionSchema,
    to: WEBHOOK,
    when: "the visitor (or the assistant for them) asks for a person, whether or not an agent is online",
  },
  "session.handoff_missed": {
    data: handoffMissedSchema,
    to: WEBHOOK,
    when:
      "a request for a person went unanswered (nobody online, or not claimed within HANDOFF_TIMEOUT_SECONDS), and " +
      "again when the visitor leaves an email for it",
  },
  "visitor.deleted": {
    data: visitorDeletedSchema,
    to: WEBHOOK,
    when: 'a visitor and everything of it was erased (admin delete, "Delete my conversations", retention)',
  },
  "feedback.created": {
    data: feedbackCreatedSchema,
    to: WEBHOOK,
    when: "a visitor rates a reply (thumbs up/down), or changes the rating",
  },
} as const satisfies Record<string, CatalogueEntry>;

type Catalogue = typeof EVENT_CATALOGUE;
export type EventType = keyof Catalogue;
export type EventData<T extends EventType> = z.infer<Catalogue[T]["data"]>;

/** Every type, in the catalogue's order. */
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

type TypesTo<D extends keyof Destinations> = {
  [T in EventType]: Catalogue[T]["to"][D] extends true ? T : never;
}[EventType];

/** The types a session's followers (and the admin stream) receive live. */
export type SessionEventType = TypesTo<"followers">;
/** The types webhooks can subscribe to. */
export type WebhookEventType = TypesTo<"webhook">;

function typesTo(destination: keyof Destinations) {
  return EVENT_TYPES.filter((type) => EVENT_CATALOGUE[type].to[destination]);
}

export const SESSION_EVENT_TYPES = typesTo("followers") as [SessionEventType, ...SessionEventType[]];
export const ADMIN_EVENT_TYPES = typesTo("admin") as [SessionEventType, ...SessionEventType[]];
export const WEBHOOK_EVENT_TYPES = typesTo("webhook") as [WebhookEventType, ...WebhookEventType[]];

/** Delivered live only: never kept for replay. */
export const EPHEMERAL_EVENT_TYPES: ReadonlySet<SessionEventType> = new Set(
  SESSION_EVENT_TYPES.filter((type) => "ephemeral" in EVENT_CATALOGUE[type]),
);

/** A session event as followers receive it: one of the live types with its payload, and its sequence. */
export type SessionEventOf<T extends SessionEventType> = {
  /** Strictly increasing per session; not contiguous (see nextSequence). */
  seq: number;
  session_id: string;
  type: T;
  data: EventData<T>;
};
export type SessionEvent = { [T in SessionEventType]: SessionEventOf<T> }[SessionEventType];
/** A session event's type and payload, before the bus gives it a sequence. */
export type SessionEventBody = { [T in SessionEventType]: { type: T; data: EventData<T> } }[SessionEventType];

/**
 * A change's event as the domain hands it to `commitChange`: a type of the catalogue with its payload, and the
 * session it belongs to when it is delivered live. `to` narrows the catalogue's destinations for this one emission
 * (an assistant reply is announced live when it starts and to webhooks once it is complete).
 */
export type DomainEvent = {
  [T in EventType]: { type: T; data: EventData<T> } & (T extends SessionEventType
    ? { session_id: string; to?: Partial<Destinations> }
    : { session_id?: undefined; to?: Partial<Destinations> });
}[EventType];

/** Where this emission of an event goes: the catalogue's destinations, narrowed by the emission's `to`. */
export function destinationsOf(event: Pick<DomainEvent, "type" | "to">): Destinations {
  const to = EVENT_CATALOGUE[event.type].to;
  return {
    followers: to.followers && event.to?.followers !== false,
    admin: to.admin && event.to?.admin !== false,
    webhook: to.webhook && event.to?.webhook !== false,
  };
}

/** The zod schema of a session event as delivered (`{ seq, session_id, type, data }`), one variant per type. */
export const sessionEventSchema = z.discriminatedUnion(
  "type",
  SESSION_EVENT_TYPES.map((type) =>
    z.object({
      seq: z.number().int(),
      session_id: z.uuid(),
      type: z.literal(type),
      data: EVENT_CATALOGUE[type].data,
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);
