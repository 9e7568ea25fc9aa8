import type { ChatDeps } from "../deps";
import { isDatabaseUnavailable } from "../../db/unavailable";
import { AppError } from "../../errors/app-error";
import { logError } from "../../observability/logger";
import type { ChatInput, ChatOutput, ChatStreamEvent, MessageDto, ReplyActionInput } from "./message.schema";
import { openChat, type StartedChat } from "./open-chat";
import { ReplyNotStoredError, type ReplyOutcome } from "./reply-run";
import { startRetry } from "./retry-reply";

/** The database error that kept a finished reply from being stored, if that is why the outcome failed. */
function unstoredBecauseDatabase(outcome: ReplyOutcome): unknown {
  if (outcome.ok || !(outcome.error instanceof ReplyNotStoredError)) return undefined;
  return isDatabaseUnavailable(outcome.error.cause) ? outcome.error.cause : undefined;
}

/** The reply as its outcome left it. */
function replyAsEnded(started: { assistantMessage: MessageDto }, outcome: ReplyOutcome): MessageDto {
  return {
    ...started.assistantMessage,
    content: outcome.content,
    status: outcome.ok ? outcome.status : "failed",
    sources: outcome.sources,
  };
}

/**
 * Waits for a started chat's reply; a failed reply is an error (the visitor's message stays stored): 502, or
 * 503 when the reply could not be stored because the database stayed unreachable.
 */
async function completeReply(started: StartedChat): Promise<ChatOutput> {
  if (!started.run) return { user_message: started.userMessage, assistant_message: null };
  const outcome = await started.run.outcome;
  if (!outcome.ok) {
    const databaseError = unstoredBecauseDatabase(outcome);
    if (databaseError) throw databaseError;
    logError("chat: the responder failed", outcome.error);
    throw new AppError("REPLY_FAILED", { cause: outcome.error });
  }
  return { user_message: started.userMessage, assistant_message: replyAsEnded(started, outcome) };
}

/** Chat and wait for the whole reply. */
export async function chat(deps: ChatDeps, input: ChatInput): Promise<ChatOutput> {
  return completeReply(await openChat(deps, input));
}

/** Retry a failed or stopped reply and wait for the whole new reply. */
export async function retry(deps: ChatDeps, input: ReplyActionInput): Promise<ChatOutput> {
  return completeReply(await startRetry(deps, input));
}

/**
 * The events of a started chat: start, each delta as the responder yields it, then done or error.
 * Stopping the iteration (client gone) leaves the reply running; it is stored when it ends.
 */
export async function* chatStreamEvents(started: StartedChat): AsyncGenerator<ChatStreamEvent> {
  yield { type: "start", user_message: started.userMessage, assistant_message: started.assistantMessage };
  if (!started.run) return; // a person answers: the stream ends after start
  for await (const text of started.run.deltas) yield { type: "delta", text };
  const outcome = await started.run.outcome;
  const assistant_message = replyAsEnded(started, outcome);
  if (outcome.ok) {
    yield { type: "done", assistant_message };
    return;
  }
  if (unstoredBecauseDatabase(outcome)) {
    // `done` only once the reply is stored: it could not be (it is marked failed once the database is back).
    const unavailable = new AppError("SERVICE_UNAVAILABLE");
    yield { type: "error", code: unavailable.code, message: unavailable.message, assistant_message };
    return;
  }
  logError("chat stream: the responder failed", outcome.error);
  const failure = new AppError("REPLY_FAILED");
  yield { type: "error", code: failure.code, message: failure.message, assistant_message };
}
