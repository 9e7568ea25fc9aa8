import type { Db } from "../../db/client";
import { writeReply, type ReplyWrite } from "../hot-sql";
import { logError } from "../../observability/logger";
import { metrics } from "../../observability/metrics";
import type { AnswerKind, ChatTurn, Responder, TokenUsage } from "../responder/responder";
import { wantsWebhookEvent, webhookEventWrites } from "../webhooks/webhook-events";
import { toMessageDto } from "./message-dto";
import type { MessageSource } from "./message.schema";
import type { MessageStatus } from "./message-status";
import type { ReplyTimings } from "./reply-lease";

/**
 * A reply being generated. It runs to the end whether or not anyone is still listening (a visitor who closes
 * the tab still finds the answer stored when they come back); listeners read its deltas through `deltas`.
 * Only an explicit stop (stopReplyRun, or the message marked stopped by another instance) cancels it.
 */
export interface ReplyRun {
  /** Text deltas in order. Single consumer; abandoning it does not stop the run. */
  deltas: AsyncIterable<string>;
  /**
   * Settles once the assistant message is stored as complete, stopped or failed (ok: false then), or storing it
   * failed for good (ok: false, error a ReplyNotStoredError). Never rejects.
   */
  outcome: Promise<ReplyOutcome>;
}

/** `sources`: the passages the reply is grounded in (stored with it), [] if none or it failed before them. */
export type ReplyOutcome =
  | { ok: true; content: string; sources: MessageSource[]; status: "complete" | "stopped" }
  | { ok: false; content: string; sources: MessageSource[]; error: unknown };

/** While streaming, the partial reply is saved this often so a reload mid-reply shows progress. */
const PARTIAL_SAVE_INTERVAL_MS = 500;

const STOPPED = "stopped by the visitor";

/**
 * Runs generating in this process, by assistant message id (stop, and awaited on graceful shutdown). On
 * globalThis because Next.js bundles each route separately: the SSE route starts a run, the REST route stops it.
 */
type ActiveRuns = Map<string, { controller: AbortController; outcome: Promise<ReplyOutcome> }>;
const globalRuns = globalThis as typeof globalThis & { __visitorChatActiveRuns?: ActiveRuns };
const activeRuns: ActiveRuns = (globalRuns.__visitorChatActiveRuns ??= new Map());

export function inflightReplies(): Promise<ReplyOutcome>[] {
  return [...activeRuns.values()].map((run) => run.outcome);
}

/** Stops the run writing this message, if it runs in this process; resolves once its result is stored. */
export async function stopReplyRun(assistantMessageId: string): Promise<boolean> {
  const run = activeRuns.get(assistantMessageId);
  if (!run) return false;
  run.controller.abort(STOPPED);
  await run.outcome;
  return true;
}

/** Why a run was cancelled: stopped (by the visitor) or it lost the reply to another writer (failed). */
const LEASE_LOST = "the reply was taken over (marked failed after its lease expired, or retried)";

/** The reply was generated but could not be stored (the database stayed away, or another writer took it). */
export class ReplyNotStoredError extends Error {
  constructor(options: { cause?: unknown } = {}) {
    super("reply-run: the reply could not be stored", options);
    this.name = "ReplyNotStoredError";
  }
}

export function isReplyRunActive(assistantMessageId: string): boolean {
  return activeRuns.has(assistantMessageId);
}

/** Ids of the replies generated in this process (the stale-reply sweep leaves them alone). */
export function activeReplyIds(): string[] {
  return [...activeRuns.keys()];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ReplyRunListener {
  delta(text: string): void;
  stored(result: {
    content: string;
    sources: MessageSource[];
    status: "complete" | "failed" | "stopped";
    /** The responder asked to hand the conversation to a person (ResponderReply.handoff). */
    handoff: boolean;
  }): void;
}

export function startReplyRun(args: {
  db: Db;
  responder: Responder;
  assistantMessageId: string;
  /** The reply's session and creation time, for the message.created event stored when it completes. */
  message_of: { session_id: string; created_at: Date };
  /** The reply's saved_at as this run took it (created, or claimed by a retry). */
  savedAt: Date;
  history: ChatTurn[];
  message: string;
  timings: ReplyTimings;
  /** Told each delta as it is produced, and the result once it is stored (not when storing it failed). */
  listener?: ReplyRunListener;
}): ReplyRun {
  const channel = new DeltaChannel();
  const controller = new AbortController();
  const timings = args.timings;
  const id = args.assistantMessageId;

  /**
   * Fencing: the run writes only while saved_at is a value it wrote itself. `fence` holds the last value known
   * to be stored plus those of writes whose result is unknown (the connection dropped mid-write).
   */
  let fence: Date[] = [args.savedAt];
  let lastStamp = args.savedAt.getTime();
  const nextStamp = () => {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    return new Date(lastStamp);
  };
  /** Runs one fenced write; true if it landed, false if the reply is no longer this run's. Throws if unknown. */
  const fencedWrite = async (
    statuses: ("streaming" | "stopped" | "failed")[],
    data: ReplyWrite,
  ): Promise<boolean> => {
    const stamp = nextStamp();
    fence.push(stamp);
    const write = { id, statuses, fence, data, stamp };
    // The completed reply is announced (message.created) in the transaction that stores it, and only if this
    // write lands (an interactive transaction: the event depends on the update's count).
    const count =
      data.status === "complete" && wantsWebhookEvent(args.db, "message.created")
        ? await args.db.$transaction(async (tx) => {
            const written = await writeReply(tx, write);
            if (written > 0) {
              const dto = toMessageDto({
                id,
                session_id: args.message_of.session_id,
                role: "assistant",
                content: data.content,
                status: "complete",
                sources: data.sources ?? [],
                created_at: args.message_of.created_at,
              });
              for (const event of webhookEventWrites(tx, "message.created", dto, stamp)) await event;
            }
            return written;
          }, FINAL_SAVE_TRANSACTION)
        : await writeReply(args.db, write);
    if (count === 0) {
      fence = fence.filter((value) => value !== stamp);
      return false;
    }
    fence = [stamp];
    return true;
  };

  let saves: Promise<unknown> = Promise.resolve();
  let saving = false;
  let lastSaveAt = Date.now();
  /** Saves chain, so a slow partial save never lands after the final one; one at a time (the next has more). */
  const savePartial = (content: string) => {
    if (saving) return;
    saving = true;
    lastSaveAt = Date.now();
    saves = saves.then(async () => {
      try {
        if (await fencedWrite(["streaming"], { content })) return;
        // No longer this run's to write: stopped from another instance (or deleted), or marked failed / retried
        // after its lease expired. Cancel upstream.
        const row = await args.db.message.findUnique({ where: { id }, select: { status: true } });
        controller.abort(!row || row.status === "stopped" ? STOPPED : LEASE_LOST);
      } catch (error) {
        logError("reply-run: could not save the partial reply", error, { messageId: id });
      } finally {
        saving = false;
      }
    });
  };
  /** The last write, retried with backoff while the database is away (up to finalSaveWindowMs). */
  const saveFinal = async (
    content: string,
    status: Exclude<MessageStatus, "streaming">,
  ): Promise<{ stored: true } | { stored: false; error: unknown }> => {
    await saves;
    const deadline = Date.now() + timings.finalSaveWindowMs;
    let delayMs = 100;
    for (let attempt = 1; ; attempt += 1) {
      try {
        // A reply stopped elsewhere keeps status stopped but gets the text generated up to the stop; one marked
        // failed by the sweep while this run could not save gets its result (unless a retry took it over).
        const stored = await fencedWrite(["streaming", "stopped", "failed"], {
          content,
          status,
          sources,
          ...(usage && { prompt_tokens: usage.prompt, completion_tokens: usage.completion }),
          // Only a finished reply says whether it answered (a stopped or failed one may not have got there).
          answer_kind: status === "complete" ? answerKind : null,
        });
        return stored ? { stored: true } : { stored: false, error: new ReplyNotStoredError() };
      } catch (error) {
        if (attempt === 1)
          logError("reply-run: could not save the assistant message, retrying", error, { messageId: id });
        if (Date.now() + delayMs > deadline) {
          logError("reply-run: gave up saving the assistant message", error, {
            messageId: id,
            attempts: attempt,
          });
          return { stored: false, error: new ReplyNotStoredError({ cause: error }) };
        }
        await sleep(delayMs);
        delayMs = Math.min(delayMs * 2, 2_000);
      }
    }
  };

  let content = "";
  let sources: MessageSource[] = [];
  /** The tokens the model reported (stored with the reply), and the responder that answered. */
  let usage: TokenUsage | undefined;
  let answeredBy = args.responder.name;
  let answerKind: AnswerKind | null = null;
  let handoff = false;
  // The heartbeat: a run waiting for its first token (or a slow one) still saves, so its lease stays fresh.
  const heartbeat = setInterval(
    () => {
      if (Date.now() - lastSaveAt >= timings.heartbeatMs) savePartial(content);
    },
    Math.max(25, Math.floor(timings.heartbeatMs / 2)),
  );
  heartbeat.unref();

  const finish = async (
    status: "complete" | "failed" | "stopped",
    error?: unknown,
  ): Promise<ReplyOutcome> => {
    clearInterval(heartbeat);
    const saved = await saveFinal(content, status);
    metrics.replies.inc({ status: saved.stored ? status : "not_stored", responder: answeredBy });
    if (!saved.stored) return { ok: false, content, sources, error: saved.error };
    args.listener?.stored({ content, sources, status, handoff });
    if (status === "failed") return { ok: false, content, sources, error };
    return { ok: true, content, sources, status };
  };
  const abortedStatus = () => (controller.signal.reason === LEASE_LOST ? "failed" : "stopped");

  const outcome = (async (): Promise<ReplyOutcome> => {
    try {
      const reply = args.responder.reply({
        history: args.history,
        message: args.message,
        signal: controller.signal,
      });
      try {
        for await (const delta of reply.deltas) {
          if (controller.signal.aborted) break;
          if (delta === "") continue;
          content += delta;
          channel.push(delta);
          args.listener?.delta(delta);
          if (Date.now() - lastSaveAt >= PARTIAL_SAVE_INTERVAL_MS) savePartial(content);
        }
      } finally {
        sources = reply.sources();
        usage = reply.usage?.();
        answeredBy = reply.answeredBy?.() ?? answeredBy;
        answerKind = reply.answerKind?.() ?? null;
        handoff = reply.handoff?.() ?? false;
      }
      if (controller.signal.aborted) return await finish(abortedStatus(), new ReplyNotStoredError());
      return await finish("complete");
    } catch (error) {
      if (controller.signal.aborted) return await finish(abortedStatus(), new ReplyNotStoredError());
      return await finish("failed", error);
    } finally {
      clearInterval(heartbeat);
      channel.close();
    }
  })();

  const entry = { controller, outcome };
  activeRuns.set(id, entry);
  // Only this run's entry: a retry may have started a new run for the same message meanwhile.
  void outcome.finally(() => {
    if (activeRuns.get(id) === entry) activeRuns.delete(id);
  });
  return { deltas: channel, outcome };
}

/**
 * Interactive-transaction limits of the final save. Prisma's defaults (2 s to get a connection, 5 s to run) fail
 * saves under load while the pool is busy for a moment; saveFinal retries, but waiting is better.
 */
const FINAL_SAVE_TRANSACTION = { maxWait: 10_000, timeout: 10_000 };

/** An unbounded single-consumer queue of strings that can be iterated while it is filled. */
class DeltaChannel implements AsyncIterable<string> {
  private readonly buffer: string[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  push(text: string): void {
    this.buffer.push(text);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      const next = this.buffer.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}
