// A dependency-free client for the Visitor Chat REST API, for browsers and Node 18+.
// It follows the three steps: keep a visitor id (validate it, or create a new one), create a session, chat.
// In a browser page of another origin than the chat server, the server must allow that origin:
// CORS_ALLOWED_ORIGINS=https://www.example.com (see docs/rest-api.md, "Calling from a browser on another site").

/** @typedef {{ id: string, session_id: string, role: "user" | "assistant", content: string, status: string, created_at: string }} Message */

export class VisitorChatError extends Error {
  /** @param {number} status @param {{ message: string, code: string, errors?: Record<string, string[]> }} body */
  constructor(status, body) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.errors = body.errors;
  }
}

export class VisitorChatClient {
  /**
   * @param {{ baseUrl: string, storage?: { getItem(key: string): string | null, setItem(key: string, value: string): void } }} options
   *   storage: where the visitor id is kept (window.localStorage in a browser).
   */
  constructor({ baseUrl, storage }) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.storage = storage;
  }

  async request(method, path, body) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!json.success) throw new VisitorChatError(response.status, json);
    return json.data;
  }

  /** STEP 1: the stored visitor id if it is still valid, else a new visitor's id (stored). */
  async ensureVisitor(metadata = {}) {
    const stored = this.storage?.getItem("visitor_id");
    if (stored) {
      try {
        await this.request("GET", `/api/chats/visitors/${encodeURIComponent(stored)}/validate/`);
        return stored;
      } catch (error) {
        if (!(error instanceof VisitorChatError && error.status === 404)) throw error;
        // Unknown visitor: fall through and create a new one.
      }
    }
    const visitor = await this.request("POST", "/api/chats/visitors/", { metadata });
    this.storage?.setItem("visitor_id", visitor.id);
    return visitor.id;
  }

  /** STEP 2: a new session (conversation) for the visitor. */
  createSession(visitorId, title) {
    return this.request("POST", "/api/chats/sessions/", {
      visitor_id: visitorId,
      ...(title ? { title } : {}),
    });
  }

  /** STEP 3: send a message and wait for the reply. Resolves to { user_message, assistant_message }. */
  chat(visitorId, sessionId, message) {
    return this.request("POST", "/api/chats/messages/chat/", {
      message,
      session_id: sessionId,
      visitor_id: visitorId,
    });
  }

  /**
   * STEP 3, streamed: calls onDelta(text) for each piece of the reply as it arrives.
   * Resolves to the stored assistant message; rejects with VisitorChatError on an error event.
   * @returns {Promise<Message>}
   */
  async chatStream(visitorId, sessionId, message, onDelta, signal) {
    const response = await fetch(`${this.baseUrl}/api/chats/messages/chat/stream/`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ message, session_id: sessionId, visitor_id: visitorId }),
      signal,
    });
    if (!response.ok) throw new VisitorChatError(response.status, await response.json());
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error("The stream ended before the reply was complete.");
      buffer += value;
      let boundary;
      while ((boundary = buffer.indexOf("\n\n")) !== -1) {
        const frame = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const type = /^event: (.*)$/m.exec(frame)?.[1];
        const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? "null");
        if (type === "delta") onDelta(data.text);
        if (type === "done") return data.assistant_message;
        if (type === "error") throw new VisitorChatError(502, { message: data.message, code: data.code });
      }
    }
  }
}
