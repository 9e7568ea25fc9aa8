import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Long-lived REST routes served on Node.js's own request and response by scripts/start.ts, ahead of Next.js.
 *
 * Why: an event stream stays open for as long as its visitor follows the conversation, and a request served by
 * Next.js holds Next.js' per-request machinery for all that time (its request and response wrappers, the route's
 * request store and incremental cache, async context, the pipe from the Web stream to the socket): ≈ 84 KB of
 * heap per open stream, most of it not ours (bench/stream-heap.ts, bench/RESULTS.md). Served here, the stream
 * holds the Node.js request and response, one Web `Request` and the route's own stream.
 *
 * What is served is still the route file's own handler (the same function Next.js calls: access, validation, rate
 * limit, the domain call, the error envelope, the REST headers): the route module registers it here when it is
 * loaded (Next.js loads every route at start), and the launcher calls it with a Web `Request` made from the Node.js
 * request and writes the answer as Next.js writes it — Next.js' `vary` header and its compression (an error
 * answer is gzipped for a client that accepts it; an event stream never is: `no-transform`). Until the route is
 * registered (the first moments after start), Next.js serves it. On globalThis: the launcher and the route's
 * bundle are compiled separately, and each has its own copy of this module.
 */

type Params = Record<string, string>;

/** A route file's handler, as Next.js calls it. */
export type WebRouteHandler = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;

interface NodeRoute {
  /** Matches the request's path (and query); its named groups are the route's parameters (URI-decoded). */
  pattern: RegExp;
  method: string;
  handler: WebRouteHandler;
}

const registry = ((
  globalThis as typeof globalThis & { __visitorChatNodeRoutes?: Map<string, NodeRoute> }
).__visitorChatNodeRoutes ??= new Map<string, NodeRoute>());

/** The event stream of a session: `/api/chats/sessions/{id}/events`, with or without the slash, and its query. */
export const SESSION_EVENTS_PATH = /^\/api\/chats\/sessions\/(?<id>[^/?#]+)\/events\/?(?:\?.*)?$/;

/** Registers a route's handler (called by its route file when Next.js loads it). */
export function registerNodeRoute(name: string, route: NodeRoute): void {
  registry.set(name, route);
}

/** The registered route a request is for, with its parameters; undefined: Next.js serves it. */
export function nodeRouteFor(
  method: string | undefined,
  url: string | undefined,
): { handler: WebRouteHandler; params: Params } | undefined {
  if (!url || registry.size === 0) return undefined;
  for (const route of registry.values()) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(url);
    if (!match) continue;
    const params: Params = {};
    try {
      for (const [name, value] of Object.entries(match.groups ?? {}))
        params[name] = decodeURIComponent(value);
    } catch {
      return undefined;
    }
    return { handler: route.handler, params };
  }
  return undefined;
}

/**
 * What Next.js adds to every answer of an app route (its client router's cache keys); kept so that an answer is
 * the same whichever server wrote it.
 */
const NEXT_VARY = "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch";

/** A Node.js request as the Web `Request` Next.js would hand the route (aborted when the client goes away). */
function webRequest(request: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else headers.set(name, value);
  }
  let url: URL;
  try {
    url = new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`);
  } catch {
    url = new URL(request.url ?? "/", "http://localhost");
  }
  return new Request(url, { method: request.method, headers, signal });
}

/**
 * Serves one request with a route's handler on Node.js's request and response. `compress` is Next.js' own
 * compression middleware when the app's configuration has it on (as Next.js applies it to every answer).
 */
export async function serveOnNode(
  found: { handler: WebRouteHandler; params: Params },
  request: IncomingMessage,
  response: ServerResponse,
  compress?: (request: IncomingMessage, response: ServerResponse, next: () => void) => void,
): Promise<void> {
  const controller = new AbortController();
  response.once("close", () => controller.abort());
  const answer = await found.handler(webRequest(request, controller.signal), {
    params: Promise.resolve(found.params),
  });
  compress?.(request, response, () => undefined);
  response.statusCode = answer.status;
  // Appended, as Next.js writes them: the route's own `vary: Origin` (CORS) joins Next.js' rather than replacing it.
  response.appendHeader("vary", NEXT_VARY);
  for (const [name, value] of answer.headers) response.appendHeader(name, value);
  if (!answer.body || request.method === "HEAD") {
    response.end();
    return;
  }
  const reader = answer.body.getReader();
  // The client went away: the route's stream is cancelled (its follower and heartbeat end).
  const cancel = () => void reader.cancel().catch(() => undefined);
  if (response.destroyed) return cancel();
  response.once("close", cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!response.write(value)) await drained(response);
    }
    response.end();
  } catch {
    // The route's stream failed (it logged why): the client sees the connection end early, as with Next.js.
    response.destroy();
  }
}

/** Resolves when the response can take more (or is gone). */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}
