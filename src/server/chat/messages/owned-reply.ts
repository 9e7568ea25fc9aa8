import type { ChatDeps } from "../deps";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../ids";
import { findOwnedSession } from "../sessions/sessions.service";
import type { MessageRow } from "./message-dto";
import type { ReplyActionInput } from "./message.schema";

/** An assistant message in a session the visitor owns (the reply a retry or a stop acts on). */
export async function findOwnedReply(deps: ChatDeps, input: ReplyActionInput): Promise<MessageRow> {
  if (!isUuid(input.id)) throw new AppError("MESSAGE_NOT_FOUND");
  const message = await deps.db.message.findUnique({ where: { id: input.id } });
  if (!message) throw new AppError("MESSAGE_NOT_FOUND");
  await findOwnedSession(deps.db, message.session_id, input.visitor_id);
  if (message.role !== "assistant") throw new AppError("NOT_AN_ASSISTANT_MESSAGE");
  return message;
}
