import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import type { AdminPrincipal } from "../auth/admin-access";
import type { Agent } from "../../chat/handoff/handoff-rules";
import type {
  AgentMessageInput,
  AgentSessionInput,
  AssignSessionInput,
} from "../../chat/handoff/handoff.schema";
import { AppError } from "../../errors/app-error";
import {
  assignSession,
  agentHeartbeat,
  agentLeft,
  agentTyping,
  claimSession,
  closeSession,
  releaseSession,
} from "../../chat/handoff/handoff.service";
import { sendAgentMessage } from "../../chat/messages/messages.service";
import type { MessageDto } from "../../chat/messages/message.schema";
import type { SessionDto } from "../../chat/sessions/session.schema";
import { toSessionDto } from "../../chat/sessions/sessions.service";
import type { PresenceDto } from "../../chat/handoff/handoff.schema";

const DEFAULT_AGENT_NAME = "Support";

/**
 * Who an admin is as an agent: a signed-in admin by their account (name as the visitor sees it); an API key or
 * the bootstrap key as one agent per key, shown with the `agent_name` the integration sends (default Support).
 */
export function agentOf(principal: AdminPrincipal, agentName?: string): Agent {
  switch (principal.kind) {
    case "session":
      return { id: principal.userId, name: principal.name.trim() || DEFAULT_AGENT_NAME };
    case "api_key":
      // A key made for a named agent (agent_name on the key) always acts as that agent.
      return {
        id: `api_key:${principal.apiKeyId}`,
        name: principal.agentName ?? agentName ?? DEFAULT_AGENT_NAME,
      };
    case "bootstrap_key":
      return { id: "bootstrap_key", name: agentName ?? DEFAULT_AGENT_NAME };
  }
}

/* The agent's actions below are audited by the domain, in the change's transaction, with `by` (who, from where). */

export async function claim(
  deps: ChatDeps,
  input: AgentSessionInput,
  principal: AdminPrincipal,
  by: AuditBy,
): Promise<SessionDto> {
  return toSessionDto(await claimSession(deps, input.id, agentOf(principal, input.agent_name), by));
}

/**
 * Passes a conversation to a team member (POST /api/admin/sessions/{id}/assign/): an active user (not disabled)
 * with their name as the agent's.
 */
export async function assign(deps: ChatDeps, input: AssignSessionInput, by: AuditBy): Promise<SessionDto> {
  const user = await deps.db.adminUser.findUnique({
    where: { id: input.user_id },
    select: { id: true, name: true, disabledAt: true },
  });
  if (!user || user.disabledAt) throw new AppError("USER_NOT_FOUND");
  const agent = { id: user.id, name: user.name.trim() || DEFAULT_AGENT_NAME };
  return toSessionDto(await assignSession(deps, input.id, agent, by));
}

export async function release(deps: ChatDeps, input: AgentSessionInput, by: AuditBy): Promise<SessionDto> {
  return toSessionDto(await releaseSession(deps, input.id, by));
}

export async function close(deps: ChatDeps, input: AgentSessionInput, by: AuditBy): Promise<SessionDto> {
  return toSessionDto(await closeSession(deps, input.id, by));
}

export async function reply(
  deps: ChatDeps,
  input: AgentMessageInput,
  principal: AdminPrincipal,
  by: AuditBy,
): Promise<MessageDto> {
  return sendAgentMessage(deps, input, agentOf(principal, input.agent_name), by);
}

export function typing(
  deps: ChatDeps,
  input: { id: string; active: boolean },
  principal: AdminPrincipal,
): Promise<{ ok: true }> {
  return agentTyping(deps, input.id, agentOf(principal), input.active);
}

export function heartbeat(deps: ChatDeps, principal: AdminPrincipal): Promise<PresenceDto> {
  return agentHeartbeat(deps, agentOf(principal));
}

export async function leave(deps: ChatDeps, principal: AdminPrincipal): Promise<{ ok: true }> {
  await agentLeft(deps, agentOf(principal));
  return { ok: true };
}
