import type { MessageSource } from "~/server/chat/messages/message.schema";
import type { Responder, ResponderInput, ResponderReply } from "~/server/chat/responder/responder";

/** A responder that replies with fixed chunks, records what it was asked, and can fail part-way. */
export class ScriptedResponder implements Responder {
  readonly name = "scripted";
  readonly calls: ResponderInput[] = [];
  /** Resolves when the responder has produced its last chunk or failed. */
  private gate: Promise<void> | undefined;

  /** The sources every reply reports. */
  sources: MessageSource[] = [];

  constructor(
    private chunks: string[],
    private failAfter?: number,
  ) {}

  script(chunks: string[], failAfter?: number): void {
    this.chunks = chunks;
    this.failAfter = failAfter;
  }

  /** Makes the next replies wait for `gate` before their first chunk. */
  holdUntil(gate: Promise<void> | undefined): void {
    this.gate = gate;
  }

  reply(input: ResponderInput): ResponderReply {
    const sources = this.sources;
    return { deltas: this.generate(input), sources: () => sources };
  }

  private async *generate(input: ResponderInput): AsyncIterable<string> {
    this.calls.push(input);
    if (this.gate) await this.gate;
    for (const [index, chunk] of this.chunks.entries()) {
      if (this.failAfter !== undefined && index === this.failAfter)
        throw new Error("scripted responder failure");
      await new Promise((resolve) => setImmediate(resolve));
      yield chunk;
    }
    if (this.failAfter !== undefined && this.failAfter >= this.chunks.length) {
      throw new Error("scripted responder failure");
    }
  }
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
