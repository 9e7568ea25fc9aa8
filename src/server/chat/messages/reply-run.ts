import type { Db } from "../../db/client";
import type { ChatTurn, Responder } from "../responder/responder";

/**
 * A reply being generated. It runs to the end whether or not anyone is still listening (a visitor who closes
 * the tab still finds the answer stored when they come back); listeners read its deltas through `deltas`.
 */
export interface ReplyRun {
  /** Text deltas in order. Single consumer; abandoning it does not stop the run. */
  deltas: AsyncIterable<string>;
  /** Settles when the assistant message is stored as complete or failed. Never rejects. */
  outcome: Promise<ReplyOutcome>;
}

export type ReplyOutcome = { ok: true; content: string } | { ok: false; content: string; error: unknown };

/** While streaming, the partial reply is saved this often so a reload mid-reply shows progress. */
const PARTIAL_SAVE_INTERVAL_MS = 500;

/** Runs still generating in this process (awaited on graceful shutdown). */
const inflight = new Set<Promise<ReplyOutcome>>();

export function inflightReplies(): Promise<ReplyOutcome>[] {
  return [...inflight];
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

  let saves: Promise<unknown> = Promise.resolve();
  const save = (data: { content: string; status?: "complete" | "failed" }) => {
    // Saves are chained so a slow partial save can never land after the final one.
    saves = saves.then(() =>
      args.db.message.updateMany({ where: { id: args.assistantMessageId }, data }).catch((error: unknown) => {
        console.error("reply-run: could not save the assistant message", error);
      }),
    );
    return saves;
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
        if (delta === "") continue;
        content += delta;
        channel.push(delta);
        if (Date.now() - lastSaveAt >= PARTIAL_SAVE_INTERVAL_MS) {
          lastSaveAt = Date.now();
          void save({ content });
        }
      }
      await save({ content, status: "complete" });
      return { ok: true, content };
    } catch (error) {
      await save({ content, status: "failed" });
      return { ok: false, content, error };
    } finally {
      channel.close();
    }
  })();

  inflight.add(outcome);
  void outcome.finally(() => inflight.delete(outcome));
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
