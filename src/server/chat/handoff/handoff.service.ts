import type { ChatDeps } from "../deps";
import { AppError } from "../../errors/app-error";
import { publishEvent } from "../events/publish";
import type { TypingData } from "../events/event-types";
import { isUuid } from "../ids";
import { commitChange, commitInTransaction } from "../events/commit-change";
import type { AuditAction, AuditBy } from "../audit/audit-record";
import type { OwnedSessionInput } from "../sessions/session.schema";
import { findOwnedSession, toSessionDto, type SessionRow } from "../sessions/sessions.service";
import { assertAgentMayReply, nextMode, type Agent, type ModeAction } from "./handoff-rules";
import type { HandoffStateDto, PresenceDto, TypingInput } from "./handoff.schema";
import type { DomainEvent } from "../events/catalogue";
import { toMessageDto } from "../messages/message-dto";
import { writeSystemStep } from "../messages/message-writer";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { SystemMessageKind } from "~/shared/system-messages";
import type { SetVisitorEmailInput, VisitorDto } from "../visitors/visitor.schema";
import { setVisitorEmail } from "../visitors/visitors.service";
import { requireMayWrite } from "../visitors/identify-visitor";
import { autoAssignAfterChange, queueHoldsRequests } from "./auto-assign";
import { queueTranscriptOnClose } from "../email/transcript";

/** An agent counts as online while their inbox page's heartbeat (every 15 s) is this recent. */
export const PRESENCE_TTL_MS = 45_000;

const nowOf = (deps: ChatDeps) => (deps.now ? deps.now() : new Date());
const timeoutMsOf = (deps: ChatDeps) => deps.config.handoffTimeoutMs;

async function sessionById(deps: ChatDeps, sessionId: string): Promise<SessionRow> {
  const row = isUuid(sessionId) ? await deps.db.session.findUnique({ where: { id: sessionId } }) : null;
  if (!row) throw new AppError("SESSION_NOT_FOUND");
  return row;
}

/** The audit action of an agent's mode action (claim, release, close); the others are not audited. */
const AUDITED: Partial<Record<ModeAction["kind"], AuditAction>> = {
  claim: "session.claimed",
  assign: "session.assigned",
  release: "session.released",
  close: "session.closed",
};

/** The visible step (a system message) a mode action writes in the conversation, when it changes the mode. */
const STEPS: Partial<Record<ModeAction["kind"], SystemMessageKind>> = {
  claim: "agent_joined",
  auto_assign: "agent_joined",
  release: "handed_back",
  close: "closed",
  visitor_message: "reopened",
};

type Reader = Pick<Prisma.TransactionClient, "visitor" | "message">;

/**
 * `session.handoff_missed` for a session whose request nobody answered: the session, the email the visitor left
 * (if any) and their last message, read with `db` (inside the change's transaction where there is one).
 */
export async function handoffMissedEvent(db: Reader, session: SessionRow): Promise<DomainEvent> {
  const [visitor, last] = await Promise.all([
    db.visitor.findUnique({ where: { id: session.visitor_id }, select: { email: true } }),
    db.message.findFirst({
      where: { session_id: session.id, role: "user" },
      orderBy: [{ created_at: "desc" }, { id: "desc" }],
    }),
  ]);
  return {
    type: "session.handoff_missed",
    data: {
      session: toSessionDto(session),
      visitor_email: visitor?.email ?? null,
      last_visitor_message: last ? toMessageDto(last) : null,
    },
  };
}

/**
 * Applies a mode action to a session: the rules (handoff-rules.ts) decide, the write is a compare-and-set on the
 * mode and agent it was decided from (two agents claiming at once: one wins, the other is refused by the rules
 * on the re-read), committed with its events (session.updated; a request also session.handoff_requested for
 * webhooks) and, for an agent's action with `by`, its audit entry. Returns the session as stored; an action the
 * rules find already done changes (and records) nothing.
 */
export async function transitionSession(
  deps: ChatDeps,
  sessionId: string,
  action: ModeAction,
  known?: SessionRow,
  by?: AuditBy,
): Promise<SessionRow> {
  let row = known ?? (await sessionById(deps, sessionId));
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const next = nextMode(row, action);
    if (!next) return row;
    const now = nowOf(deps);
    const handoff_requested_at =
      action.kind === "request" ? now : next.mode === "agent" ? null : row.handoff_requested_at;
    // A request nobody claimed in time joins the follow-up queue (from when it was made); closing leaves it.
    const follow_up_since =
      action.kind === "timeout"
        ? (row.handoff_requested_at ?? now)
        : action.kind === "close"
          ? null
          : row.follow_up_since;
    const where = { id: row.id, mode: row.mode, agent_id: row.agent_id };
    const data = { ...next, handoff_requested_at, follow_up_since };
    const auditAction = AUDITED[action.kind];
    const step = STEPS[action.kind];
    const changed = await commitInTransaction(deps, async (tx) => {
      const { count } = await tx.session.updateMany({ where, data });
      if (Number(count) === 0) return { result: null };
      // Every request is kept (the session's handoff_requested_at is cleared once claimed): the reports count them.
      if (action.kind === "request")
        await tx.handoffRequest.create({ data: { session_id: row.id, requested_at: now } });
      const stored = await tx.session.findUniqueOrThrow({ where: { id: row.id } });
      const dto = toSessionDto(stored);
      // The visible step, in the conversation, in the same transaction ("Ada joined", "closed" …).
      const stepEvent = step
        ? await writeSystemStep(tx, stored.id, {
            kind: step,
            author_name: action.kind === "claim" || action.kind === "auto_assign" ? action.agent.name : null,
          })
        : undefined;
      // The transcript the visitor asked for: one per close, queued with it (nothing when already closed).
      if (action.kind === "close") await queueTranscriptOnClose(tx, deps.config.email, stored, now);
      return {
        result: stored,
        events: [
          { type: "session.updated", data: dto, session_id: stored.id },
          ...(stepEvent ? [stepEvent] : []),
          // A request for a person is announced to webhook receivers in the transaction that records it.
          ...(action.kind === "request" ? [{ type: "session.handoff_requested" as const, data: dto }] : []),
          ...(action.kind === "timeout" ? [await handoffMissedEvent(tx, stored)] : []),
        ],
        audit:
          by && auditAction
            ? { ...by, action: auditAction, object: { type: "session", id: stored.id } }
            : undefined,
        at: now,
      };
    });
    if (changed) return changed;
    row = await sessionById(deps, row.id); // changed meanwhile: decide again from what is stored now
  }
  throw new Error(`handoff: session ${sessionId} kept changing under a mode change`);
}

/** Agents whose inbox is open (heartbeat within PRESENCE_TTL_MS), on any instance: a row per agent. */
export async function agentsOnline(deps: ChatDeps): Promise<number> {
  const since = new Date(nowOf(deps).getTime() - PRESENCE_TTL_MS);
  return deps.db.agentPresence.count({ where: { last_seen_at: { gte: since } } });
}

/** An open inbox page says its agent is there (every 15 s). */
export async function agentHeartbeat(deps: ChatDeps, agent: Agent): Promise<PresenceDto> {
  const now = nowOf(deps);
  await deps.db.agentPresence.upsert({
    where: { agent_id: agent.id },
    create: { agent_id: agent.id, name: agent.name, last_seen_at: now },
    update: { name: agent.name, last_seen_at: now },
  });
  // An agent online (again) may take a waiting request; every heartbeat is also a pass of the queue.
  await autoAssignAfterChange(deps);
  const [online, waiting] = await Promise.all([
    agentsOnline(deps),
    deps.db.session.count({ where: { mode: "waiting" } }),
  ]);
  return { agents_online: online, waiting };
}

/** The agent closed their inbox: no longer counted online. */
export async function agentLeft(deps: ChatDeps, agent: Agent): Promise<void> {
  await deps.db.agentPresence.deleteMany({ where: { agent_id: agent.id } });
}

function stateOf(deps: ChatDeps, row: SessionRow, online: number): HandoffStateDto {
  const status =
    row.mode === "waiting"
      ? "waiting"
      : row.mode === "agent"
        ? "agent"
        : row.handoff_requested_at
          ? "unavailable"
          : "none";
  const timeout_at =
    row.mode === "waiting" && row.handoff_requested_at
      ? new Date(row.handoff_requested_at.getTime() + timeoutMsOf(deps)).toISOString()
      : null;
  return { session: toSessionDto(row), status, agents_online: online, timeout_at };
}

/** A waiting request older than the timeout goes back to the bot (status unavailable). */
async function timeOutIfDue(deps: ChatDeps, row: SessionRow): Promise<SessionRow> {
  if (row.mode !== "waiting" || !row.handoff_requested_at) return row;
  if (nowOf(deps).getTime() < row.handoff_requested_at.getTime() + timeoutMsOf(deps)) return row;
  if (await queueHoldsRequests(deps)) return row;
  return transitionSession(deps, row.id, { kind: "timeout" }, row);
}

/** Times out every waiting request nobody claimed in time (the handoff-timeout job, src/server/jobs). */
export async function expireWaiting(deps: ChatDeps): Promise<number> {
  // Auto-assignment on with an agent online: the requests queue until a place frees up (auto-assign.ts).
  if (await queueHoldsRequests(deps)) return 0;
  const before = new Date(nowOf(deps).getTime() - timeoutMsOf(deps));
  const due = await deps.db.session.findMany({
    where: { mode: "waiting", handoff_requested_at: { lte: before } },
    take: 100,
  });
  for (const row of due) await transitionSession(deps, row.id, { kind: "timeout" }, row);
  return due.length;
}

/**
 * The visitor asks for a person. With an agent online the session waits for one (the assistant is silent);
 * with nobody online it stays with the assistant and the answer says so (status unavailable), so the widget
 * offers to leave an email. Asking again while waiting or with an agent changes nothing.
 */
export async function requestHandoff(deps: ChatDeps, input: OwnedSessionInput): Promise<HandoffStateDto> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  await requireMayWrite(deps, session.visitor_id);
  return requestHandoffFor(deps, session);
}

/** requestHandoff for a session already checked (also used when the assistant hands over). */
export async function requestHandoffFor(deps: ChatDeps, session: SessionRow): Promise<HandoffStateDto> {
  const online = await agentsOnline(deps);
  // Nobody took the last request yet (status unavailable, still in the follow-up queue): asking again is the same
  // open request — announced (session.handoff_requested, its webhook) once, not once per click.
  if (
    online === 0 &&
    session.mode === "bot" &&
    session.handoff_requested_at !== null &&
    session.follow_up_since !== null
  )
    return stateOf(deps, session, online);
  if (online === 0 && (session.mode === "bot" || session.mode === "closed")) {
    // Nobody to ask: the request is missed at once and joins the follow-up queue.
    const now = nowOf(deps);
    const data = {
      handoff_requested_at: now,
      follow_up_since: now,
      ...(session.mode === "closed" && { mode: "bot" as const }),
    };
    const row = { ...session, ...data };
    const dto = toSessionDto(row);
    await commitChange(deps, {
      writes: [
        deps.db.session.updateMany({ where: { id: session.id }, data }),
        deps.db.handoffRequest.create({ data: { session_id: session.id, requested_at: now } }),
      ],
      events: [
        { type: "session.updated", data: dto, session_id: session.id },
        { type: "session.handoff_requested", data: dto },
        await handoffMissedEvent(deps.db, row),
      ],
      at: now,
    });
    return stateOf(deps, row, online);
  }
  const requested = await transitionSession(deps, session.id, { kind: "request" }, session);
  if (requested.mode !== "waiting") return stateOf(deps, requested, online);
  await autoAssignAfterChange(deps);
  const row = (await deps.db.session.findUnique({ where: { id: session.id } })) ?? requested;
  return stateOf(deps, row, online);
}

/** Where the visitor's request stands; a request nobody claimed in time is timed out here (status unavailable). */
export async function getHandoffState(deps: ChatDeps, input: OwnedSessionInput): Promise<HandoffStateDto> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  const row = await timeOutIfDue(deps, session);
  return stateOf(deps, row, await agentsOnline(deps));
}

/** An agent takes the conversation (audited with `by`). */
export async function claimSession(
  deps: ChatDeps,
  sessionId: string,
  agent: Agent,
  by?: AuditBy,
): Promise<SessionRow> {
  return transitionSession(deps, sessionId, { kind: "claim", agent }, undefined, by);
}

/**
 * Passes the conversation to `agent` (mode agent), whoever holds it now: an admin to anyone, an agent to themself or
 * a colleague. Its session.updated reaches every open inbox, the new holder's too.
 */
export async function assignSession(
  deps: ChatDeps,
  sessionId: string,
  agent: Agent,
  by?: AuditBy,
): Promise<SessionRow> {
  return freeingPlaces(deps, transitionSession(deps, sessionId, { kind: "assign", agent }, undefined, by));
}

/** Back to the bot. Any agent may hand a conversation back (e.g. one left by a colleague who went home). */
export async function releaseSession(deps: ChatDeps, sessionId: string, by?: AuditBy): Promise<SessionRow> {
  return freeingPlaces(deps, transitionSession(deps, sessionId, { kind: "release" }, undefined, by));
}

export async function closeSession(deps: ChatDeps, sessionId: string, by?: AuditBy): Promise<SessionRow> {
  return freeingPlaces(deps, transitionSession(deps, sessionId, { kind: "close" }, undefined, by));
}

/** After a change that may free an agent's place (release, close, a pass to a colleague): the queue moves on. */
async function freeingPlaces(deps: ChatDeps, change: Promise<SessionRow>): Promise<SessionRow> {
  const row = await change;
  await autoAssignAfterChange(deps);
  return row;
}

/** The session, if this agent may write in it now (claimed by them); else the rule's refusal. */
export async function sessionForAgentReply(
  deps: ChatDeps,
  sessionId: string,
  agent: Agent,
): Promise<SessionRow> {
  const row = await sessionById(deps, sessionId);
  assertAgentMayReply(row, agent);
  return row;
}

/** The visitor is typing (or stopped): delivered live to the agents, never stored. */
export async function visitorTyping(deps: ChatDeps, input: TypingInput): Promise<{ ok: true }> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  await requireMayWrite(deps, session.visitor_id);
  const data: TypingData = { role: "visitor", active: input.active };
  publishEvent(deps.events, session.id, "typing", data);
  return { ok: true };
}

/** An agent is typing in a conversation they claimed. */
export async function agentTyping(
  deps: ChatDeps,
  sessionId: string,
  agent: Agent,
  active: boolean,
): Promise<{ ok: true }> {
  const session = await sessionForAgentReply(deps, sessionId, agent);
  const data: TypingData = { role: "agent", active };
  publishEvent(deps.events, session.id, "typing", data);
  return { ok: true };
}

/**
 * The visitor leaves an address for an answer (nobody was available): stored on the visitor (the latest wins), and
 * each of their conversations in the follow-up queue announced again as session.handoff_missed, now with it.
 */
export async function leaveEmailForFollowUp(
  deps: ChatDeps,
  input: SetVisitorEmailInput,
): Promise<VisitorDto> {
  const visitor = await setVisitorEmail(deps, input);
  const waiting = await deps.db.session.findMany({
    where: { visitor_id: visitor.id, follow_up_since: { not: null } },
    orderBy: [{ follow_up_since: "desc" }, { id: "desc" }],
    take: 10,
  });
  if (waiting.length > 0) {
    const events = await Promise.all(waiting.map((row) => handoffMissedEvent(deps.db, row)));
    await commitChange(deps, { writes: [], events });
  }
  return visitor;
}
