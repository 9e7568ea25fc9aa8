import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../deps";
import { AppError } from "../../errors/app-error";
import { commitChange } from "../events/commit-change";
import { keysetWhere } from "../pagination";
import { requireMaySend } from "../visitors/identify-visitor";
import { historyBefore } from "./history";
import { toMessageDto } from "./message-dto";
import type { ReplyActionInput } from "./message.schema";
import { isRetryableStatus, RETRYABLE_STATUSES } from "./message-status";
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
  await requireMaySend(deps, input.visitor_id);
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
  // Claim the reply atomically: two retries at once cannot both regenerate it, and a new saved_at fences off
  // any earlier run still writing it (it writes only while saved_at is its own).
  const savedAt = new Date(Math.max(now.getTime(), reply.saved_at.getTime() + 1));
  const { count } = await deps.db.message.updateMany({
    where: {
      id: reply.id,
      OR: [
        { status: { in: [...RETRYABLE_STATUSES] } },
        { status: "streaming", saved_at: { lt: staleBefore(now, leaseMs) } },
      ],
    },
    data: { content: "", status: "streaming", sources: [], answer_kind: null, saved_at: savedAt },
  });
  if (Number(count) === 0) throw new AppError("REPLY_NOT_RETRYABLE");
  const assistantMessage = toMessageDto({ ...reply, content: "", status: "streaming", sources: [] });
  // The rating was of the text being replaced; the session has activity.
  await commitChange(deps, {
    writes: [
      deps.db.session.updateMany({ where: { id: reply.session_id }, data: { updated_at: new Date() } }),
      deps.db.messageFeedback.deleteMany({ where: { message_id: reply.id } }),
    ],
    events: [{ type: "message.updated", data: assistantMessage, session_id: reply.session_id }],
  });
  const history = await historyBefore(deps, reply.session_id, { at: question.created_at, id: question.id });
  const run = startReply(deps, { reply: assistantMessage, savedAt, history, message: question.content });
  return { userMessage: toMessageDto(question), assistantMessage, run };
}
