import { z } from "zod";
import { attachmentIdsSchema } from "../attachments/attachment.schema";
import { AGENT_NAME_MAX_CHARS } from "~/shared/roles";
import { HANDOFF_STATUSES } from "~/shared/session-modes";
import { idSchema, visitorIdSchema } from "../ids";
import { plainText, wellFormedText } from "../limits";
import { messageTextSchema } from "../message-text";
import { sessionSchema } from "../sessions/session.schema";

/** Defined once in src/shared/ (the browser imports it from there). */
export { HANDOFF_STATUSES, type HandoffStatus } from "~/shared/session-modes";

/** Where the visitor's request for a person stands (POST and GET /api/chats/sessions/{id}/handoff/). */
export const handoffStateSchema = z
  .object({
    session: sessionSchema,
    status: z.enum(HANDOFF_STATUSES).meta({
      description:
        "none: the assistant answers and no person was asked for; waiting: agents were told, the assistant is " +
        "silent; agent: a person answers; unavailable: nobody was online or nobody claimed it in time (the " +
        "assistant answers again; offer to leave an email with POST /api/chats/visitors/{id}/email/).",
    }),
    agents_online: z.number().int().min(0).meta({ description: "Agents with the inbox open right now." }),
    timeout_at: z.iso.datetime().nullable().meta({
      description: "While waiting: when the request counts as unanswered (HANDOFF_TIMEOUT_SECONDS after it).",
    }),
  })
  .meta({ id: "HandoffState" });
export type HandoffStateDto = z.infer<typeof handoffStateSchema>;

export const typingInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The session's id." }),
  visitor_id: visitorIdSchema,
  active: z.boolean().meta({ description: "true while typing; false once stopped (or sent)." }),
});
export type TypingInput = z.infer<typeof typingInputSchema>;

export const typingOutputSchema = z.object({ ok: z.literal(true) });

export const agentNameSchema = z
  .string()
  .trim()
  .min(1, "agent_name must not be empty")
  .max(AGENT_NAME_MAX_CHARS, `agent_name must be at most ${AGENT_NAME_MAX_CHARS} characters`)
  .check(plainText("agent_name"))
  .check(wellFormedText("agent_name"))
  .optional()
  .meta({
    description:
      "The name the visitor sees (admin API keys only; a signed-in agent is shown by their account name). " +
      "Default: Support.",
    example: "Ada",
  });

/** An agent's action on a conversation (claim, release, close). */
export const agentSessionInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The session's id." }),
  agent_name: agentNameSchema,
});
export type AgentSessionInput = z.infer<typeof agentSessionInputSchema>;

export const assignSessionInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The session's id." }),
  user_id: z
    .string({ error: "user_id is required: the id of a team member, from GET /api/admin/users/" })
    .trim()
    .min(1, "user_id is required: the id of a team member, from GET /api/admin/users/")
    .max(100, "user_id is not a valid id")
    .meta({ description: "The team member who takes the conversation (from GET /api/admin/users/)." }),
});
export type AssignSessionInput = z.infer<typeof assignSessionInputSchema>;

export const agentMessageInputSchema = agentSessionInputSchema.extend({
  message: messageTextSchema({
    description: "The agent's reply (plain text).",
    example: "Hi, I'm Ada — let me look into it.",
  }),
  attachment_ids: attachmentIdsSchema,
});
export type AgentMessageInput = z.infer<typeof agentMessageInputSchema>;

export const agentTypingInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The session's id." }),
  active: z.boolean(),
});
export type AgentTypingInput = z.infer<typeof agentTypingInputSchema>;

export const presenceSchema = z.object({
  agents_online: z.number().int().min(0),
  waiting: z.number().int().min(0).meta({ description: "Conversations waiting for an agent." }),
});
export type PresenceDto = z.infer<typeof presenceSchema>;
