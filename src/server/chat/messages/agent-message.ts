import type { AuditBy } from "../audit/audit-record";
import type { ChatDeps } from "../deps";
import type { Agent } from "../handoff/handoff-rules";
import type { AgentMessageInput } from "../handoff/handoff.schema";
import { sessionForAgentReply } from "../handoff/handoff.service";
import type { MessageDto } from "./message.schema";
import { storeMessages } from "./message-writer";
import { toSessionDto } from "../sessions/sessions.service";
import { attachableAttachments } from "../attachments/message-attachments";

/**
 * An agent's reply in a conversation they claimed: stored with role agent and their name, announced as
 * message.created (live to the visitor's widget, and to webhooks), audited with who wrote it (not what). A reply
 * answers a missed request: the session leaves the follow-up queue in the same transaction.
 */
export async function sendAgentMessage(
  deps: ChatDeps,
  input: Pick<AgentMessageInput, "id" | "message" | "attachment_ids">,
  agent: Agent,
  by?: AuditBy,
): Promise<MessageDto> {
  const session = await sessionForAgentReply(deps, input.id, agent);
  const attachments = await attachableAttachments(deps.db, session.id, "agent", input.attachment_ids);
  const answered = { ...session, follow_up_since: null };
  const [message] = await storeMessages(deps, {
    session,
    also:
      session.follow_up_since === null
        ? undefined
        : {
            writes: [
              deps.db.session.updateMany({ where: { id: session.id }, data: { follow_up_since: null } }),
            ],
            events: [{ type: "session.updated", data: toSessionDto(answered), session_id: session.id }],
          },
    messages: [{ role: "agent", content: input.message, author_name: agent.name, attachments }],
    audit: by && {
      ...by,
      action: "agent_message.sent",
      object: { type: "session", id: session.id },
      detail: { characters: input.message.length, attachments: attachments.length },
    },
  });
  return message!;
}
