import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "../../db/client";
import { runAlone } from "../../db/direct-sql";
import { auditEntryWrite, type AuditRecord } from "../audit/audit-record";
import { webhookEventWrites } from "../webhooks/webhook-events";
import type { EventBus } from "./bus";
import { destinationsOf, type DomainEvent, type WebhookEventType } from "./catalogue";
import { publishEvent } from "./publish";

/** What committing a change needs: the database and, for a change with live events, the app's bus. */
export interface CommitDeps {
  db: Db;
  events?: EventBus;
}

/** A change's side effects: its events (routed by the catalogue) and the audit entry of who made it. */
export interface ChangeEffects {
  events?: readonly DomainEvent[];
  audit?: AuditRecord;
  /** When it happened (the webhook envelope's `timestamp`); default now. */
  at?: Date;
}

type TxClient = Prisma.TransactionClient;
type Writer = Pick<Db, "webhookEvent" | "auditEntry"> | Pick<TxClient, "webhookEvent" | "auditEntry">;

/** The outbox rows of the change's webhook events and its audit entry, to run in the change's transaction. */
function sideEffectWrites(db: Writer, effects: ChangeEffects): Prisma.PrismaPromise<unknown>[] {
  const at = effects.at ?? new Date();
  const writes: Prisma.PrismaPromise<unknown>[] = [];
  for (const event of effects.events ?? []) {
    if (destinationsOf(event).webhook)
      writes.push(...webhookEventWrites(db as Db, event.type as WebhookEventType, event.data, at));
  }
  if (effects.audit) writes.push(auditEntryWrite(db, effects.audit));
  return writes;
}

/** After the commit: the live events, in order (the bus keeps one session's events in call order). */
function publishLive(deps: CommitDeps, events: readonly DomainEvent[] | undefined): void {
  for (const event of events ?? []) {
    const to = destinationsOf(event);
    if (!(to.followers || to.admin) || !event.session_id) continue;
    // A programming error, not a runtime state: ChatDeps always has its bus (admin services publish nothing).
    if (!deps.events) throw new Error(`commitChange: ${event.type} is live, but no event bus was given`);
    publishEvent(deps.events, event.session_id, event.type as never, event.data as never);
  }
}

type Results<W extends readonly unknown[]> = { -readonly [K in keyof W]: Awaited<W[K]> };

/**
 * THE way a change is stored: its rows (`writes`, a batch of statements), the webhook outbox rows of its events
 * and its audit entry run in ONE transaction — so an event or an entry exists if and only if the change does, and
 * a crash after the commit loses no webhook — and its live events are published only after the commit. Answers
 * the results of `writes`, in order. A change with nothing to store (no writes, no outbox row, no entry) only
 * publishes; one statement alone runs without a transaction around it (straight on the driver adapter when it
 * can: src/server/db/direct-sql.ts). A batch, not an interactive transaction: SQLite's adapter shares one connection (see
 * commitInTransaction for a change that must read inside its transaction).
 */
export async function commitChange<const W extends readonly Prisma.PrismaPromise<unknown>[]>(
  deps: CommitDeps,
  change: ChangeEffects & { writes: W },
): Promise<Results<W>> {
  const statements = [...change.writes, ...sideEffectWrites(deps.db, change)];
  // One statement is atomic by itself: no transaction around it (a visitor's insert when no webhook wants it).
  const results =
    statements.length > 1
      ? await deps.db.$transaction(statements)
      : statements.length === 1
        ? [await runAlone(statements[0]!)]
        : [];
  publishLive(deps, change.events);
  return results.slice(0, change.writes.length) as Results<W>;
}

/** What a change made in an interactive transaction answers: its result and its side effects. */
export type TransactionOutcome<R> = ChangeEffects & { result: R };

/**
 * commitChange for a change that must read and decide inside its transaction (a conditional claim, an erasure):
 * `run` makes the change with the transaction's client and answers its result and effects; the outbox rows and
 * the audit entry are written in the same transaction, the live events published after the commit.
 */
export async function commitInTransaction<R>(
  deps: CommitDeps,
  run: (tx: TxClient) => Promise<TransactionOutcome<R>>,
  options?: { maxWait?: number; timeout?: number },
): Promise<R> {
  const outcome = await deps.db.$transaction(async (tx) => {
    const made = await run(tx);
    for (const write of sideEffectWrites(tx, made)) await write;
    return made;
  }, options);
  publishLive(deps, outcome.events);
  return outcome.result;
}
