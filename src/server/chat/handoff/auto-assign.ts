import type { ChatDeps } from "../deps";
import type { Db } from "../../db/client";
import { acquireLease, leaseHolderId, releaseLease } from "../../jobs/lease";
import { logError } from "../../observability/logger";
import type { Agent } from "./handoff-rules";
import { PRESENCE_TTL_MS, transitionSession } from "./handoff.service";

/**
 * Auto-assignment (off by default; /admin/settings → "Assignment"): a request for a person goes to the next ONLINE
 * team member (a user with the role agent or admin, not disabled, whose inbox page is open) who holds fewer open
 * conversations (mode agent) than their capacity (their own, set on /admin/team, or the team's agent_capacity),
 * round robin — the one auto-assigned longest ago (or never) first.
 * When every online agent is full the requests wait in the order they were made (FIFO by handoff_requested_at)
 * and the oldest is assigned as soon as a place frees up: a conversation released, closed or passed on, or an
 * agent coming online (their heartbeat, every 15 s, runs a pass too — so a waiting request is never forgotten,
 * Chatwoot's #10583).
 *
 * Safety across instances: a pass runs under the `auto-assign` job lease (src/server/jobs/lease.ts), so one
 * instance at a time reads the loads and assigns — two instances never exceed an agent's capacity; each
 * assignment is also a compare-and-set on the request still waiting (transitionSession), so a request is never
 * assigned twice, nor taken from an agent who claimed it meanwhile. An instance that finds the lease busy leaves the
 * work to its holder, which passes again until nothing more can be assigned (and every heartbeat passes again).
 */
export const AUTO_ASSIGN_LEASE = "auto-assign";
const LEASE_MS = 30_000;
/** At most this many assignments per pass (a pass is short; the next trigger carries on). */
const MAX_PER_PASS = 200;

export interface AssignmentSettings {
  auto_assign: boolean;
  agent_capacity: number;
}

export const ASSIGNMENT_DEFAULTS: AssignmentSettings = { auto_assign: false, agent_capacity: 3 };

/** The assignment settings as stored in the settings row (defaults when never saved). */
export async function assignmentSettings(db: Db): Promise<AssignmentSettings> {
  const row = await db.widgetSettings.findUnique({
    where: { id: 1 },
    select: { auto_assign: true, agent_capacity: true },
  });
  return row ?? ASSIGNMENT_DEFAULTS;
}

const nowOf = (deps: ChatDeps) => (deps.now ? deps.now() : new Date());

interface Candidate extends Agent {
  load: number;
  /** Their own capacity, or null for the team's (settings.agent_capacity). */
  capacity: number | null;
  lastAssignedAt: Date | null;
}

/** The online team members who may be auto-assigned, with their open conversations. */
async function onlineAgents(deps: ChatDeps): Promise<Candidate[]> {
  const since = new Date(nowOf(deps).getTime() - PRESENCE_TTL_MS);
  const present = await deps.db.agentPresence.findMany({ where: { last_seen_at: { gte: since } } });
  if (present.length === 0) return [];
  const ids = present.map((row) => row.agent_id);
  const [users, loads] = await Promise.all([
    deps.db.adminUser.findMany({
      where: { id: { in: ids }, disabledAt: null, role: { in: ["agent", "admin"] } },
      select: { id: true, name: true, capacity: true },
    }),
    deps.db.session.groupBy({
      by: ["agent_id"],
      where: { mode: "agent", agent_id: { in: ids } },
      _count: { _all: true },
    }),
  ]);
  const loadOf = new Map(loads.map((group) => [group.agent_id, group._count._all]));
  const lastOf = new Map(present.map((row) => [row.agent_id, row.last_assigned_at]));
  return users.map((user) => ({
    id: user.id,
    name: user.name.trim() || "Support",
    load: loadOf.get(user.id) ?? 0,
    capacity: user.capacity,
    lastAssignedAt: lastOf.get(user.id) ?? null,
  }));
}

/**
 * Round robin among those with room (each under their own capacity, or the team's): never auto-assigned first,
 * then the longest ago; ties by id.
 */
export function pickAgent(candidates: readonly Candidate[], teamCapacity: number): Candidate | undefined {
  return candidates
    .filter((agent) => agent.load < (agent.capacity ?? teamCapacity))
    .sort(
      (a, b) =>
        (a.lastAssignedAt?.getTime() ?? -Infinity) - (b.lastAssignedAt?.getTime() ?? -Infinity) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )[0];
}

/** Whether requests queue for an agent instead of timing out: auto-assignment is on and someone may take them. */
export async function queueHoldsRequests(deps: ChatDeps): Promise<boolean> {
  const settings = await assignmentSettings(deps.db);
  if (!settings.auto_assign) return false;
  return (await onlineAgents(deps)).length > 0;
}

/**
 * One pass under the lease: assigns the oldest waiting requests while an online agent has room (0 when the lease
 * is busy). autoAssign below is what callers use; tests run passes side by side to prove the lease.
 */
export async function assignPass(deps: ChatDeps): Promise<number> {
  const settings = await assignmentSettings(deps.db);
  if (!settings.auto_assign) return 0;
  const holder = leaseHolderId();
  if (!(await acquireLease(deps.db, { name: AUTO_ASSIGN_LEASE, holder, ttlMs: LEASE_MS, now: new Date() })))
    return 0;
  let assigned = 0;
  try {
    const candidates = await onlineAgents(deps);
    for (let step = 0; step < MAX_PER_PASS && candidates.length > 0; step += 1) {
      const agent = pickAgent(candidates, settings.agent_capacity);
      if (!agent) break;
      const request = await deps.db.session.findFirst({
        where: { mode: "waiting" },
        orderBy: [{ handoff_requested_at: "asc" }, { id: "asc" }],
      });
      if (!request) break;
      const row = await transitionSession(
        deps,
        request.id,
        { kind: "auto_assign", agent: { id: agent.id, name: agent.name } },
        request,
      );
      if (row.mode !== "agent" || row.agent_id !== agent.id) continue; // claimed meanwhile: the next one
      const at = nowOf(deps);
      await deps.db.agentPresence.updateMany({
        where: { agent_id: agent.id },
        data: { last_assigned_at: at },
      });
      agent.load += 1;
      agent.lastAssignedAt = at;
      assigned += 1;
    }
  } finally {
    await releaseLease(deps.db, AUTO_ASSIGN_LEASE, holder);
  }
  return assigned;
}

interface Runner {
  running?: Promise<number>;
  again: boolean;
}
const runners = new WeakMap<Db, Runner>();

/**
 * Assigns what can be assigned now (see above); answers how many requests were assigned. Calls on one instance
 * while a pass runs are folded into one more pass after it (so nothing that arrived meanwhile is missed).
 */
export function autoAssign(deps: ChatDeps): Promise<number> {
  let runner = runners.get(deps.db);
  if (!runner) runners.set(deps.db, (runner = { again: false }));
  const state = runner;
  if (state.running) {
    state.again = true;
    return state.running;
  }
  state.running = (async () => {
    let total = 0;
    try {
      do {
        state.again = false;
        total += await assignPass(deps);
      } while (state.again);
    } finally {
      state.running = undefined;
    }
    return total;
  })();
  return state.running;
}

/** autoAssign after a change that may free a place or add a request: never fails the change that triggered it. */
export async function autoAssignAfterChange(deps: ChatDeps): Promise<void> {
  try {
    await autoAssign(deps);
  } catch (error) {
    logError("auto-assign: could not assign waiting requests (the next heartbeat retries)", error);
  }
}
