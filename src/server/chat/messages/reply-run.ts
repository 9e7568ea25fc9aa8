import type { ChatDeps } from "../deps";
import type { ReplyWrite } from "../hot-sql";
import { logError } from "../../observability/logger";
import { metrics } from "../../observability/metrics";
import type { AnswerKind, ChatTurn, Responder, TokenUsage } from "../responder/responder";
import { saveReply } from "./message-writer";
import type { MessageDto, MessageSource } from "./message.schema";
import type { MessageStatus } from "./message-status";
import type { ReplyTimings } from "./reply-lease";
import { activeReplyRuns, inflightReplies } from "./active-runs";

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

const activeRuns = activeReplyRuns<ReplyOutcome>();

export { inflightReplies };

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

/** What a run is started with. */
export interface ReplyRunArgs {
  deps: Pick<ChatDeps, "db" | "events">;
  responder: Responder;
  /** The assistant message it writes, as it starts (status streaming). */
  reply: MessageDto;
  /** The reply's saved_at as this run took it (created, or claimed by a retry). */
  savedAt: Date;
  history: ChatTurn[];
  message: string;
  /** The session's locale (ResponderInput.locale). */
  locale?: string | null;
  timings: ReplyTimings;
  /** Told each delta as it is produced, and the result once it is stored (not when storing it failed). */
  listener?: ReplyRunListener;
}

/**
 * The fenced writer of one reply: the run writes only while saved_at is a value it wrote itself. `fence` holds
 * the last value known to be stored plus those of writes whose result is unknown (the connection dropped
 * mid-write). Partial saves chain (a slow one never lands after the final one), one at a time.
 */
class ReplyWriter {
  private fence: Date[];
  private lastStamp: number;
  private saves: Promise<unknown> = Promise.resolve();
  private saving = false;
  lastSaveAt = Date.now();

  constructor(
    private readonly args: ReplyRunArgs,
    /** Called when a partial save finds the reply is no longer this run's (with the stored status, if any). */
    private readonly lost: (status: MessageStatus | undefined) => void,
  ) {
    this.fence = [args.savedAt];
    this.lastStamp = args.savedAt.getTime();
  }

  private nextStamp(): Date {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return new Date(this.lastStamp);
  }

  /** One fenced write; true if it landed, false if the reply is no longer this run's. Throws if unknown. */
  private async write(statuses: ("streaming" | "stopped" | "failed")[], data: ReplyWrite): Promise<boolean> {
    const stamp = this.nextStamp();
    this.fence.push(stamp);
    const save = { id: this.args.reply.id, statuses, fence: this.fence, data, stamp };
    const count = await saveReply(this.args.deps, save, this.args.reply);
    if (count === 0) {
      this.fence = this.fence.filter((value) => value !== stamp);
      return false;
    }
    this.fence = [stamp];
    return true;
  }

  /** Saves the text so far, unless a save is under way (the next one has more). */
  savePartial(content: string): void {
    if (this.saving) return;
    this.saving = true;
    this.lastSaveAt = Date.now();
    const id = this.args.reply.id;
    this.saves = this.saves.then(async () => {
      try {
        if (await this.write(["streaming"], { content })) return;
        // No longer this run's to write: stopped from another instance (or deleted), or marked failed / retried
        // after its lease expired.
        const row = await this.args.deps.db.message.findUnique({ where: { id }, select: { status: true } });
        this.lost(row?.status);
      } catch (error) {
        logError("reply-run: could not save the partial reply", error, { messageId: id });
      } finally {
        this.saving = false;
      }
    });
  }

  /** The last write, retried with backoff while the database is away (up to finalSaveWindowMs). */
  async saveFinal(data: ReplyWrite & { status: Exclude<MessageStatus, "streaming"> }, windowMs: number) {
    await this.saves;
    const id = this.args.reply.id;
    const deadline = Date.now() + windowMs;
    let delayMs = 100;
    for (let attempt = 1; ; attempt += 1) {
      try {
        // A reply stopped elsewhere keeps status stopped but gets the text generated up to the stop; one marked
        // failed by the sweep while this run could not save gets its result (unless a retry took it over).
        const stored = await this.write(["streaming", "stopped", "failed"], data);
        return stored
          ? { stored: true as const }
          : { stored: false as const, error: new ReplyNotStoredError() };
      } catch (error) {
        if (attempt === 1)
          logError("reply-run: could not save the assistant message, retrying", error, { messageId: id });
        if (Date.now() + delayMs > deadline) {
          logError("reply-run: gave up saving the assistant message", error, {
            messageId: id,
            attempts: attempt,
          });
          return { stored: false as const, error: new ReplyNotStoredError({ cause: error }) };
        }
        await sleep(delayMs);
        delayMs = Math.min(delayMs * 2, 2_000);
      }
    }
  }
}

/** What the responder said besides its text, read once its deltas ended. */
interface ReplyFacts {
  sources: MessageSource[];
  usage?: TokenUsage;
  answeredBy: string;
  answerKind: AnswerKind | null;
  handoff: boolean;
}

/** One reply being generated: the responder's deltas into the channel and the writer, then the final save. */
class ReplyRunner {
  readonly channel = new DeltaChannel();
  readonly controller = new AbortController();
  private readonly timings: ReplyTimings;
  private readonly writer: ReplyWriter;
  private content = "";
  private facts: ReplyFacts;
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor(private readonly args: ReplyRunArgs) {
    this.timings = args.timings;
    this.facts = { sources: [], answeredBy: args.responder.name, answerKind: null, handoff: false };
    this.writer = new ReplyWriter(args, (status) =>
      this.controller.abort(!status || status === "stopped" ? STOPPED : LEASE_LOST),
    );
    // The heartbeat: a run waiting for its first token (or a slow one) still saves, so its lease stays fresh.
    this.heartbeat = setInterval(
      () => {
        if (Date.now() - this.writer.lastSaveAt >= this.timings.heartbeatMs)
          this.writer.savePartial(this.content);
      },
      Math.max(25, Math.floor(this.timings.heartbeatMs / 2)),
    );
    this.heartbeat.unref();
  }

  async run(): Promise<ReplyOutcome> {
    const signal = this.controller.signal;
    try {
      const reply = this.args.responder.reply({
        history: this.args.history,
        message: this.args.message,
        locale: this.args.locale ?? null,
        signal,
      });
      try {
        for await (const delta of reply.deltas) {
          if (signal.aborted) break;
          if (delta === "") continue;
          this.content += delta;
          this.channel.push(delta);
          this.args.listener?.delta(delta);
          if (Date.now() - this.writer.lastSaveAt >= PARTIAL_SAVE_INTERVAL_MS)
            this.writer.savePartial(this.content);
        }
      } finally {
        this.facts = {
          sources: reply.sources(),
          usage: reply.usage?.(),
          answeredBy: reply.answeredBy?.() ?? this.facts.answeredBy,
          answerKind: reply.answerKind?.() ?? null,
          handoff: reply.handoff?.() ?? false,
        };
      }
      if (signal.aborted) return await this.finish(this.abortedStatus(), new ReplyNotStoredError());
      return await this.finish("complete");
    } catch (error) {
      if (signal.aborted) return await this.finish(this.abortedStatus(), new ReplyNotStoredError());
      return await this.finish("failed", error);
    } finally {
      clearInterval(this.heartbeat);
      this.channel.close();
    }
  }

  private abortedStatus(): "failed" | "stopped" {
    return this.controller.signal.reason === LEASE_LOST ? "failed" : "stopped";
  }

  private async finish(status: "complete" | "failed" | "stopped", error?: unknown): Promise<ReplyOutcome> {
    clearInterval(this.heartbeat);
    const { content } = this;
    const { sources, usage, answeredBy, answerKind, handoff } = this.facts;
    const saved = await this.writer.saveFinal(
      {
        content,
        status,
        sources,
        ...(usage && { prompt_tokens: usage.prompt, completion_tokens: usage.completion }),
        // Only a finished reply says whether it answered (a stopped or failed one may not have got there).
        answer_kind: status === "complete" ? answerKind : null,
      },
      this.timings.finalSaveWindowMs,
    );
    metrics.replies.inc({ status: saved.stored ? status : "not_stored", responder: answeredBy });
    if (!saved.stored) return { ok: false, content, sources, error: saved.error };
    this.args.listener?.stored({ content, sources, status, handoff });
    if (status === "failed") return { ok: false, content, sources, error };
    return { ok: true, content, sources, status };
  }
}

/** Starts a reply run (see ReplyRun); registered by message id while it runs in this process. */
export function startReplyRun(args: ReplyRunArgs): ReplyRun {
  const runner = new ReplyRunner(args);
  const id = args.reply.id;
  const outcome = runner.run();
  const entry = { controller: runner.controller, outcome };
  activeRuns.set(id, entry);
  // Only this run's entry: a retry may have started a new run for the same message meanwhile.
  void outcome.finally(() => {
    if (activeRuns.get(id) === entry) activeRuns.delete(id);
  });
  return { deltas: runner.channel, outcome };
}

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
