import type { ChatDeps } from "../deps";
import { AppError } from "../../errors/app-error";
import { toMessageDto, WITH_FEEDBACK } from "./message-dto";
import type { MessageDto, ReplyActionInput } from "./message.schema";
import { findOwnedReply } from "./owned-reply";
import { markReplyStopped } from "./message-writer";
import { stopReplyRun } from "./reply-run";

/**
 * Stops a reply being written: upstream generation is cancelled and the text so far is kept, with status
 * stopped. Stopping a reply that already ended changes nothing. Returns the reply as stored.
 */
export async function stopReply(deps: ChatDeps, input: ReplyActionInput): Promise<MessageDto> {
  const reply = await findOwnedReply(deps, input);
  if (reply.status === "streaming" && !(await stopReplyRun(reply.id))) {
    // Written by another instance: mark it; that instance cancels on its next partial save.
    await markReplyStopped(deps, reply.id);
  }
  const stored = await deps.db.message.findUnique({ where: { id: reply.id }, include: WITH_FEEDBACK });
  if (!stored) throw new AppError("MESSAGE_NOT_FOUND");
  return toMessageDto(stored);
}
