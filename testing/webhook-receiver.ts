/**
 * A local webhook receiver for tests: records every request (headers, raw body) and answers with what
 * `respond` says (200 by default). `verify` checks a request with the `standardwebhooks` library, as a real
 * receiver would.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: (path?: string) => string;
  received: ReceivedWebhook[];
  /** The most requests in progress at once (since the last reset). */
  maxInFlight: () => number;
  /** Forgets the requests received and the most in flight; answers 200 again. */
  reset: () => void;
  /** Decides each answer: a status (or a status and body), or "hang" (never answers until close). */
  respond: (request: ReceivedWebhook) => number | "hang" | Promise<number> | { status: number; body: string };
  close: () => Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  /** Requests not answered yet. */
  const open = new Set<ServerResponse>();
  let maxInFlight = 0;
  const receiver: WebhookReceiver = {
    url: () => "",
    received,
    maxInFlight: () => maxInFlight,
    reset: () => {
      received.length = 0;
      // Requests left hanging by an earlier test are ended, so they do not count here.
      for (const response of open) response.destroy();
      open.clear();
      maxInFlight = 0;
      receiver.respond = () => 200;
    },
    respond: () => 200,
    close: async () => {},
  };
  const server = createServer((request, response) => {
    open.add(response);
    maxInFlight = Math.max(maxInFlight, open.size);
    // Until the answer is sent or the client gives up.
    response.once("close", () => open.delete(response));
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = {
        path: request.url ?? "/",
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(entry);
      void Promise.resolve(receiver.respond(entry)).then((status) => {
        if (status === "hang") return;
        const answer = typeof status === "number" ? { status, body: `answer ${status}` } : status;
        response.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = (path = "/hook") => `http://127.0.0.1:${port}${path}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** The request verified with standardwebhooks (throws if the signature or timestamp is wrong); its JSON. */
export function verifyWebhook(
  secret: string,
  request: ReceivedWebhook,
): { type: string; timestamp: string; data: Record<string, unknown> } {
  const headers = {
    "webhook-id": String(request.headers["webhook-id"]),
    "webhook-timestamp": String(request.headers["webhook-timestamp"]),
    "webhook-signature": String(request.headers["webhook-signature"]),
  };
  return new Webhook(secret).verify(request.body, headers) as never;
}
