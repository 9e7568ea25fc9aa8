import type { Db } from "../../db/client";
import type { ChatTurn, Responder } from "../responder/responder";
import type { MessageStatus } from "./message-status";

/**
 * A reply being generated. It runs to the end whether or not anyone is still listening (a visitor who closes
 * the tab still finds the answer stored when they come back); listeners read its deltas through `deltas`.
 * Only an explicit stop (stopReplyRun, or the message marked stopped by another instance) cancels it.
 */
export interface ReplyRun {
  /** Text deltas in order. Single consumer; abandoning it does not stop the run. */
  deltas: AsyncIterable<string>;
  /** Settles when the assistant message is stored as complete, stopped or failed. Never rejects. */
  outcome: Promise<ReplyOutcome>;
}

type ReplyOutcome =
  | { ok: true; content: string; status: "complete" | "stopped" }
  | { ok: false; content: string; error: unknown };

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

export function startReplyRun(args: {
  db: Db;
  responder: Responder;
  assistantMessageId: string;
  history: ChatTurn[];
  message: string;
}): ReplyRun {
  const channel = new DeltaChannel();
  const controller = new AbortController();
  const where = { id: args.assistantMessageId, status: "streaming" as const };

  let saves: Promise<unknown> = Promise.resolve();
  /** Saves chain, so a slow partial save never lands after the final one. */
  const savePartial = (content: string) => {
    saves = saves.then(async () => {
      try {
        const { count } = await args.db.message.updateMany({ where, data: { content } });
        // No longer streaming in the database: stopped from another instance (or deleted). Cancel upstream.
        // (Counts are bigints with SQLite's driver: compare as numbers.)
        if (Number(count) === 0) controller.abort(STOPPED);
      } catch (error) {
        console.error("reply-run: could not save the partial reply", error);
      }
    });
  };
  const saveFinal = async (content: string, status: Exclude<MessageStatus, "streaming">) => {
    await saves;
    try {
      // A reply stopped elsewhere keeps status stopped but gets the text generated up to the stop.
      await args.db.message.updateMany({
        where: { id: args.assistantMessageId, status: { in: ["streaming", "stopped"] } },
        data: { content, status },
      });
    } catch (error) {
      console.error("reply-run: could not save the assistant message", error);
    }
  };

  const outcome = (async (): Promise<ReplyOutcome> => {
    let content = "";
    let lastSaveAt = Date.now();
    try {
      for await (const delta of args.responder.reply({
        history: args.history,
        message: args.message,
        signal: controller.signal,
      })) {
        if (controller.signal.aborted) break;
        if (delta === "") continue;
        content += delta;
        channel.push(delta);
        if (Date.now() - lastSaveAt >= PARTIAL_SAVE_INTERVAL_MS) {
          lastSaveAt = Date.now();
          savePartial(content);
        }
      }
      const status = controller.signal.aborted ? "stopped" : "complete";
      await saveFinal(content, status);
      return { ok: true, content, status };
    } catch (error) {
      if (controller.signal.aborted) {
        await saveFinal(content, "stopped");
        return { ok: true, content, status: "stopped" };
      }
      await saveFinal(content, "failed");
      return { ok: false, content, error };
    } finally {
      channel.close();
    }
  })();

  activeRuns.set(args.assistantMessageId, { controller, outcome });
  void outcome.finally(() => activeRuns.delete(args.assistantMessageId));
  return { deltas: channel, outcome };
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
