/**
 * A local OpenAI-compatible chat-completions server for tests, speaking the real streaming wire format
 * (`data: {chat.completion.chunk}` SSE lines, then `data: [DONE]`). Each request follows the next queued
 * scenario (or the default one), so a test can make upstream slow, fail, hang, cut or garble its stream.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Scenario =
  | { kind: "stream"; chunks: string[]; delayMs?: number }
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
    tools?: { type: string; function: { name: string } }[];
  };
  headers: IncomingMessage["headers"];
  /** True once the client closed the connection before the response ended. */
  aborted: boolean;
}

export interface FakeLlm {
  baseUrl: string;
  requests: RecordedRequest[];
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeLlm(): Promise<FakeLlm> {
  const requests: RecordedRequest[] = [];
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
    response.write("data: [DONE]\n\n");
    response.end();
  }

  const server = createServer((request, response) => {
    let raw = "";
    request.on("data", (data: Buffer) => (raw += data.toString()));
    request.on("end", () => {
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
