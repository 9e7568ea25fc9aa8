import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../deps";
import { AppError } from "../../errors/app-error";
import { keysetWhere } from "../pagination";
import { requireMayWrite } from "../visitors/identify-visitor";
import { historyBefore } from "./history";
import { toMessageDto } from "./message-dto";
import type { ReplyActionInput } from "./message.schema";
import { isRetryableStatus } from "./message-status";
import { claimReplyForRetry } from "./message-writer";
import type { StartedReply } from "./open-chat";
import { findOwnedReply } from "./owned-reply";
import { isReplyRunActive } from "./reply-run";
import { staleBefore } from "./reply-lease";
import { startReply } from "./reply-start";

/**
 * Regenerates a failed or stopped reply in place (same message id): its text is cleared, it streams again
 * from the visitor's question that preceded it, with the history before that question. A reply still
 * `streaming` whose lease expired (not saved for REPLY_LEASE_SECONDS: its writer is gone) counts as failed.
 */
export async function startRetry(deps: ChatDeps, input: ReplyActionInput): Promise<StartedReply> {
  const reply = await findOwnedReply(deps, input);
  await requireMayWrite(deps, input.visitor_id);
  const now = new Date();
  const { leaseMs } = deps.config.replyTimings;
  const stale =
    reply.status === "streaming" && reply.saved_at < staleBefore(now, leaseMs) && !isReplyRunActive(reply.id);
  if (!isRetryableStatus(reply.status) && !stale) throw new AppError("REPLY_NOT_RETRYABLE");
  const question = await deps.db.message.findFirst({
    where: {
      session_id: reply.session_id,
      role: "user",
      ...keysetWhere<Prisma.MessageWhereInput>("created_at", { at: reply.created_at, id: reply.id }, "desc"),
    },
    orderBy: [{ created_at: "desc" }, { id: "desc" }],
  });
  if (!question) throw new AppError("REPLY_NOT_RETRYABLE");
  // Claimed atomically, with a saved_at after its last one (see claimReplyForRetry).
  const savedAt = new Date(Math.max(now.getTime(), reply.saved_at.getTime() + 1));
  const assistantMessage = await claimReplyForRetry(deps, reply, {
    savedAt,
    staleBefore: staleBefore(now, leaseMs),
  });
  if (!assistantMessage) throw new AppError("REPLY_NOT_RETRYABLE");
  const history = await historyBefore(deps, reply.session_id, { at: question.created_at, id: question.id });
  const session = await deps.db.session.findUnique({
    where: { id: reply.session_id },
    select: { locale: true },
  });
  const run = startReply(deps, {
    reply: assistantMessage,
    savedAt,
    history,
    message: question.content,
    locale: session?.locale ?? null,
  });
  return { userMessage: toMessageDto(question), assistantMessage, run };
}
