/**
 * A minimal Server-Sent Events reader for tests and benches: the frames of a response as they arrive, each with
 * its raw text (to compare streams byte for byte), its `id:`, `event:` and `data:`. Comment lines (heartbeats)
 * are counted, not returned as frames.
 */
export interface SseFrame {
  raw: string;
  id?: string;
  event?: string;
  data: string;
}

export interface SseReader {
  response: Response;
  /** The next frame; undefined when the stream ended. */
  next(): Promise<SseFrame | undefined>;
  /** Reads frames until `until` holds for the frames read so far by this call (or the stream ends). */
  readUntil(until: (frames: SseFrame[]) => boolean): Promise<SseFrame[]>;
  comments(): number;
  close(): Promise<void>;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let comments = 0;
  const queue: SseFrame[] = [];

  const parseBlock = (block: string) => {
    const frame: SseFrame = { raw: `${block}\n\n`, data: "" };
    const data: string[] = [];
    let isFrame = false;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      isFrame = true;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") frame.id = value;
      else if (field === "event") frame.event = value;
      else if (field === "data") data.push(value);
    }
    if (!isFrame) {
      comments += 1;
      return;
    }
    frame.data = data.join("\n");
    queue.push(frame);
  };

  const next = async (): Promise<SseFrame | undefined> => {
    for (;;) {
      const frame = queue.shift();
      if (frame) return frame;
      if (!reader) return undefined;
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        return undefined;
      }
      if (chunk.done) return undefined;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  };

  return {
    response,
    next,
    async readUntil(until) {
      const frames: SseFrame[] = [];
      for (;;) {
        const frame = await next();
        if (!frame) return frames;
        frames.push(frame);
        if (until(frames)) return frames;
      }
    },
    comments: () => comments,
    async close() {
      controller.abort();
      await reader?.cancel().catch(() => undefined);
    },
  };
}
