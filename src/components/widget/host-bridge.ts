/**
 * The iframe side of the embed protocol (the host side is public/embed.js).
 *
 * 1. The widget posts `hello` with a random nonce to window.parent (target "*": it carries no secret).
 * 2. embed.js answers `init` with the same nonce, the visitor id from the host page's localStorage, the
 *    metadata given to identify() and the host page's url. It only answers a frame it created, from the app's
 *    origin, and sends the answer to the app's origin only.
 * 3. The widget accepts only messages whose source is window.parent; it learns the host's origin from the
 *    `init` that echoes its nonce, and from then on posts (new visitor ids, close) to that origin only.
 * 4. When the host page navigates (history.pushState/replaceState, popstate, hashchange), embed.js posts `page`
 *    with the new url and title, once per navigation; the widget reports it (visitors.context).
 */
export const BRIDGE_NS = "visitor-chat";

export type JsonObject = Record<string, unknown>;

export interface HostInit {
  visitorId: string | null;
  metadata: JsonObject;
  pageUrl: string | null;
  pageTitle: string | null;
  referrer: string | null;
}

export interface HostBridge {
  init: HostInit;
  /** Tell the host page to store this visitor id in its localStorage. */
  saveVisitor(id: string): void;
  /** Ask the host page to close the chat window. */
  close(): void;
  /** Tell the host page a reply arrived (it shows a badge on the launcher while the chat is closed). */
  unread(): void;
  /** Messages from the host after the handshake (identify, opened). Returns an unsubscribe function. */
  listen(handler: (message: HostMessage) => void): () => void;
}

export type HostMessage =
  | { type: "identify"; metadata: JsonObject }
  | { type: "opened" }
  | { type: "closed" }
  | { type: "page"; pageUrl: string; pageTitle: string | null };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** Resolves with the bridge, or null when there is no embedding host answering within `timeoutMs`. */
export function connectToHost(timeoutMs = 1500): Promise<HostBridge | null> {
  if (typeof window === "undefined" || window.parent === window) return Promise.resolve(null);
  const nonce = crypto.randomUUID();
  return new Promise((resolve) => {
    const timer = window.setTimeout(() => {
      window.removeEventListener("message", onMessage);
      resolve(null);
    }, timeoutMs);

    function onMessage(event: MessageEvent) {
      const data: unknown = event.data;
      if (event.source !== window.parent || !isObject(data) || data.ns !== BRIDGE_NS) return;
      if (data.type !== "init" || data.nonce !== nonce) return;
      window.clearTimeout(timer);
      window.removeEventListener("message", onMessage);
      resolve(makeBridge(event.origin, data));
    }

    window.addEventListener("message", onMessage);
    window.parent.postMessage({ ns: BRIDGE_NS, type: "hello", nonce }, "*");
  });
}

function makeBridge(hostOrigin: string, data: JsonObject): HostBridge {
  const post = (message: JsonObject) => window.parent.postMessage({ ns: BRIDGE_NS, ...message }, hostOrigin);
  return {
    init: {
      visitorId: stringOrNull(data.visitor_id),
      metadata: isObject(data.metadata) ? data.metadata : {},
      pageUrl: stringOrNull(data.page_url),
      pageTitle: stringOrNull(data.page_title),
      referrer: stringOrNull(data.referrer),
    },
    saveVisitor: (id) => post({ type: "visitor", visitor_id: id }),
    close: () => post({ type: "close" }),
    unread: () => post({ type: "unread" }),
    listen(handler) {
      function onMessage(event: MessageEvent) {
        const message: unknown = event.data;
        if (event.source !== window.parent || event.origin !== hostOrigin) return;
        if (!isObject(message) || message.ns !== BRIDGE_NS) return;
        if (message.type === "identify" && isObject(message.metadata)) {
          handler({ type: "identify", metadata: message.metadata });
        } else if (message.type === "page" && typeof message.page_url === "string") {
          handler({ type: "page", pageUrl: message.page_url, pageTitle: stringOrNull(message.page_title) });
        } else if (message.type === "opened" || message.type === "closed") {
          handler({ type: message.type });
        }
      }
      window.addEventListener("message", onMessage);
      return () => window.removeEventListener("message", onMessage);
    },
  };
}
