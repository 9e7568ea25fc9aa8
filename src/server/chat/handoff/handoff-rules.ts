import { AppError } from "../../errors/app-error";
import type { SessionMode } from "../sessions/session.schema";

/**
 * Who may move a conversation to which mode: the one place these rules live. Every change of mode goes through
 * `nextMode` (handoff.service.ts applies the result atomically and publishes session.updated).
 *
 *   bot ──request──► waiting ──claim──► agent ──release──► bot
 *    │  ▲               │ timeout/release ▲      │
 *    │  └───────────────┘                 │      └─close─► closed ──visitor writes──► bot
 *    └────────────claim (an agent takes over a bot conversation)
 */
export interface ModeState {
  mode: SessionMode;
  agent_id: string | null;
  agent_name: string | null;
}

/** A person answering from the inbox or the admin API. */
export interface Agent {
  /** Admin user id; "api_key:<id>" or "bootstrap_key" for the admin API. */
  id: string;
  name: string;
}

export type ModeAction =
  /** The visitor (or the assistant on their behalf) asks for a person. */
  | { kind: "request" }
  | { kind: "claim"; agent: Agent }
  /** A colleague (or an admin) passes the conversation to this agent, whoever holds it now. */
  | { kind: "assign"; agent: Agent }
  /** Auto-assignment gives a waiting request to this agent (only while it still waits: auto-assign.ts). */
  | { kind: "auto_assign"; agent: Agent }
  /** Back to the bot. */
  | { kind: "release" }
  | { kind: "close" }
  /** The visitor writes: a closed conversation reopens with the bot. */
  | { kind: "visitor_message" }
  /** Nobody claimed the request in time. */
  | { kind: "timeout" };

/** The state after the action, or null when it changes nothing (repeating an action is not an error). */
export function nextMode(current: ModeState, action: ModeAction): ModeState | null {
  const to = (mode: SessionMode, agent?: Agent): ModeState => ({
    mode,
    agent_id: agent?.id ?? null,
    agent_name: agent?.name ?? null,
  });
  switch (action.kind) {
    case "request":
      return current.mode === "bot" || current.mode === "closed" ? to("waiting") : null;
    case "claim":
      if (current.mode === "closed") throw new AppError("SESSION_CLOSED");
      if (current.mode === "agent") {
        if (current.agent_id === action.agent.id) return null;
        throw new AppError("SESSION_CLAIMED_BY_ANOTHER_AGENT", {
          params: { agent: current.agent_name ?? "Another agent" },
        });
      }
      return to("agent", action.agent);
    case "assign":
      if (current.mode === "closed") throw new AppError("SESSION_CLOSED");
      return current.mode === "agent" && current.agent_id === action.agent.id
        ? null
        : to("agent", action.agent);
    case "auto_assign":
      return current.mode === "waiting" ? to("agent", action.agent) : null;
    case "release":
      if (current.mode === "closed") throw new AppError("SESSION_CLOSED");
      return current.mode === "bot" ? null : to("bot");
    case "close":
      return current.mode === "closed" ? null : to("closed");
    case "visitor_message":
      return current.mode === "closed" ? to("bot") : null;
    case "timeout":
      return current.mode === "waiting" ? to("bot") : null;
  }
}

/** An agent may write in a conversation only once they have claimed it. */
export function assertAgentMayReply(current: ModeState, agent: Agent): void {
  if (current.mode === "closed") throw new AppError("SESSION_CLOSED");
  if (current.mode === "agent" && current.agent_id !== agent.id) {
    throw new AppError("SESSION_CLAIMED_BY_ANOTHER_AGENT", {
      params: { agent: current.agent_name ?? "Another agent" },
    });
  }
  if (current.mode !== "agent") throw new AppError("SESSION_NOT_CLAIMED");
}

/** The assistant answers only in bot mode: waiting and agent mean a person answers (closed reopens first). */
export function botAnswers(mode: SessionMode): boolean {
  return mode === "bot";
}
