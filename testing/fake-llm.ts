/**
 * A local OpenAI-compatible chat-completions server for tests, speaking the real streaming wire format
 * (`data: {chat.completion.chunk}` SSE lines, then `data: [DONE]`). Each request follows the next queued
 * scenario (or the default one), so a test can make upstream slow, fail, hang, cut or garble its stream.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Scenario =
  /**
   * `usage`: the token counts reported at the end when the client asks (stream_options.include_usage); default
   * ~4 characters a token of the prompt and reply; null: none reported (an upstream without usage).
   */
  | {
      kind: "stream";
      chunks: string[];
      delayMs?: number;
      usage?: { prompt: number; completion: number } | null;
    }
  /** Answers with an HTTP error status before streaming. */
  | { kind: "status"; status: number; message?: string }
  /** Streams `chunks`, then destroys the connection without a finish reason or [DONE]. */
  | { kind: "cut"; chunks: string[] }
  /** Streams `chunks`, then a line that is not JSON. */
  | { kind: "malformed"; chunks: string[] }
  /** Streams `chunks`, then sends nothing more, keeping the connection open. */
  | { kind: "hang"; chunks: string[] }
  /** Streams `chunks`, then a call of the tool `name` (no arguments) and finish reason tool_calls. */
  | { kind: "tool"; chunks: string[]; name: string };

interface RecordedRequest {
  body: {
    model: string;
    stream: boolean;
    messages: { role: string; content: string }[];
    temperature?: number;
    stream_options?: { include_usage?: boolean };
    tools?: { type: string; function: { name: string } }[];
  };
  headers: IncomingMessage["headers"];
  /** True once the client closed the connection before the response ended. */
  aborted: boolean;
}

export interface FakeLlm {
  baseUrl: string;
  /** Chat-completions requests. */
  requests: RecordedRequest[];
  /** `/v1/embeddings` requests: the inputs of each. */
  embeddingRequests: { model: string; input: string[] }[];
  queue(...scenarios: Scenario[]): void;
  setDefault(scenario: Scenario): void;
  close(): Promise<void>;
}

function chunk(content: string | null, finishReason: string | null = null): string {
  const payload = {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: "test-model",
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function usageChunk(prompt: number, completion: number): string {
  const payload = {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: "test-model",
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** Dimensions of the fake embeddings. */
export const FAKE_EMBEDDING_DIMENSIONS = 256;

/**
 * A deterministic stand-in for an embeddings model: each lowercase word (and its first five letters, so "refunds"
 * is near "refund") hashed into one of 256 buckets, the counts L2-normalised. Texts sharing words are similar.
 */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(FAKE_EMBEDDING_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{Letter}\p{Number}]+/gu) ?? []) {
    for (const token of new Set([word, word.slice(0, 5)])) {
      let hash = 2166136261;
      for (const char of token) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
      vector[hash % FAKE_EMBEDDING_DIMENSIONS]! += 1;
    }
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeLlm(): Promise<FakeLlm> {
  const requests: RecordedRequest[] = [];
  const embeddingRequests: FakeLlm["embeddingRequests"] = [];
  const scenarios: Scenario[] = [];
  let fallback: Scenario = { kind: "stream", chunks: ["Hello", " from", " the", " model."] };
  const open = new Set<ServerResponse>();

  async function answer(request: IncomingMessage, response: ServerResponse, recorded: RecordedRequest) {
    const scenario = scenarios.shift() ?? fallback;
    if (scenario.kind === "status") {
      response.writeHead(scenario.status, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ error: { message: scenario.message ?? "upstream error", type: "server_error" } }),
      );
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const delay = scenario.kind === "stream" ? (scenario.delayMs ?? 0) : 0;
    for (const content of scenario.chunks) {
      if (recorded.aborted) return;
      response.write(chunk(content));
      if (delay > 0) await sleep(delay);
    }
    if (scenario.kind === "cut") {
      await sleep(10);
      response.socket?.destroy();
      return;
    }
    if (scenario.kind === "malformed") {
      response.write("data: {this is not json\n\n");
      response.end();
      return;
    }
    if (scenario.kind === "hang") return; // closed by close() or by the client
    if (scenario.kind === "tool") {
      const call = {
        id: "chatcmpl-test",
        object: "chat.completion.chunk",
        created: Math.floor(Date.now() / 1000),
        model: "test-model",
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                {
                  index: 0,
                  id: "call_1",
                  type: "function",
                  function: { name: scenario.name, arguments: "{}" },
                },
              ],
            },
            finish_reason: null,
          },
        ],
      };
      response.write(`data: ${JSON.stringify(call)}\n\n`);
      response.write(chunk(null, "tool_calls"));
      response.write("data: [DONE]\n\n");
      response.end();
      return;
    }
    response.write(chunk(null, "stop"));
    // As OpenAI does: with stream_options.include_usage, a last chunk with no choices carries the usage.
    const reportsUsage = !(scenario.kind === "stream" && scenario.usage === null);
    if (recorded.body.stream_options?.include_usage && reportsUsage) {
      const promptChars = recorded.body.messages.reduce((sum, message) => sum + message.content.length, 0);
      const completionChars = scenario.chunks.join("").length;
      const usage = (scenario.kind === "stream" && scenario.usage) || {
        prompt: Math.ceil(promptChars / 4),
        completion: Math.ceil(completionChars / 4),
      };
      response.write(usageChunk(usage.prompt, usage.completion));
    }
    response.write("data: [DONE]\n\n");
    response.end();
  }

  const server = createServer((request, response) => {
    let raw = "";
    request.on("data", (data: Buffer) => (raw += data.toString()));
    request.on("end", () => {
      if (request.url?.endsWith("/embeddings")) {
        const body = JSON.parse(raw) as { model: string; input: string | string[] };
        const input = Array.isArray(body.input) ? body.input : [body.input];
        embeddingRequests.push({ model: body.model, input });
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            object: "list",
            model: body.model,
            data: input.map((text, index) => ({
              object: "embedding",
              index,
              embedding: fakeEmbedding(text),
            })),
          }),
        );
        return;
      }
      const recorded: RecordedRequest = {
        body: JSON.parse(raw) as RecordedRequest["body"],
        headers: request.headers,
        aborted: false,
      };
      requests.push(recorded);
      open.add(response);
      response.on("close", () => {
        if (!response.writableFinished) recorded.aborted = true;
        open.delete(response);
      });
      void answer(request, response, recorded);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    embeddingRequests,
    queue: (...next) => scenarios.push(...next),
    setDefault: (scenario) => {
      fallback = scenario;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of open) response.destroy();
        server.close(() => resolve());
      }),
  };
}
