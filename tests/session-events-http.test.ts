/**
 * The session event stream over real HTTP (next start, both databases): GET /api/chats/sessions/{id}/events/
 * (SSE, resume by Last-Event-ID / last_event_id, ownership and the error envelope, the end on delete) and the
 * tRPC subscription sessions.events the widget uses.
 */
import { beforeAll, expect, it } from "vitest";
import { openSse, type SseFrame } from "../testing/sse";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachServer } from "./helpers/server";

const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";
const ALLOWED_ORIGIN = "https://app.example";

interface MessageData {
  id: string;
  role: string;
  status: string;
  content: string;
}

/** A reply that ended: its message.updated frame with a final status. */
const ended = (frames: SseFrame[], role = "assistant") =>
  frames.some((frame) => {
    if (frame.event !== "message.updated") return false;
    const data = JSON.parse(frame.data) as MessageData;
    return data.role === role && data.status !== "streaming";
  });

const deltaText = (frames: SseFrame[]) =>
  frames
    .filter((frame) => frame.event === "message.delta")
    .map((frame) => (JSON.parse(frame.data) as { text: string }).text)
    .join("");

describeEachServer(
  "session events over HTTP",
  (target) => {
    let checker: DocumentChecker;
    beforeAll(async () => {
      checker = await loadDocumentChecker(target().baseUrl);
    });

    async function post(path: string, json: unknown) {
      const response = await fetch(`${target().baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(json),
      });
      return { status: response.status, body: (await response.json()) as { data: { id: string } } };
    }

    async function newSession() {
      const visitor = await post("/api/chats/visitors/", {});
      const session = await post("/api/chats/sessions/", { visitor_id: visitor.body.data.id });
      return { visitorId: visitor.body.data.id, sessionId: session.body.data.id };
    }

    const eventsUrl = (sessionId: string, query: string) =>
      `${target().baseUrl}/api/chats/sessions/${sessionId}/events/?${query}`;

    async function storedReply(sessionId: string) {
      return target().database.db.message.findFirstOrThrow({
        where: { session_id: sessionId, role: "assistant" },
        orderBy: { created_at: "desc" },
      });
    }

    /** A JSON refusal, checked against the served OpenAPI document. */
    async function refusal(url: string, init: RequestInit = {}) {
      const response = await fetch(url, init);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await response.json()) as { code: string; errors?: Record<string, string[]> };
      const path = new URL(url).pathname + new URL(url).search;
      checker.expectDeclared(init.method ?? "GET", path, response.status, body);
      return { status: response.status, body, headers: response.headers };
    }

    it("refuses before streaming: unknown session 404, another visitor's 403, bad input 400, other methods 405", async () => {
      const owner = await newSession();
      const intruder = await newSession();
      const unknown = await refusal(eventsUrl(UNKNOWN_UUID, `visitor_id=${owner.visitorId}`));
      expect(unknown).toMatchObject({ status: 404, body: { code: "SESSION_NOT_FOUND" } });
      const foreign = await refusal(eventsUrl(owner.sessionId, `visitor_id=${intruder.visitorId}`));
      expect(foreign).toMatchObject({ status: 403, body: { code: "SESSION_OF_ANOTHER_VISITOR" } });
      const missing = await refusal(eventsUrl(owner.sessionId, ""));
      expect(missing).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
      expect(Object.keys(missing.body.errors ?? {})).toContain("visitor_id");
      const badId = await refusal(
        eventsUrl(owner.sessionId, `visitor_id=${owner.visitorId}&last_event_id=abc`),
      );
      expect(badId).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
      expect(Object.keys(badId.body.errors ?? {})).toContain("last_event_id");
      const post = await fetch(eventsUrl(owner.sessionId, `visitor_id=${owner.visitorId}`), {
        method: "POST",
      });
      expect(post.status).toBe(405);
      expect(post.headers.get("allow")).toBe("GET");
    });

    it("streams a conversation in order, and resumes from every event of it byte for byte (header and query)", async () => {
      const { visitorId, sessionId } = await newSession();
      const stream = await openSse(eventsUrl(sessionId, `visitor_id=${visitorId}`));
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const chat = post("/api/chats/messages/chat/", {
        message: "How do I embed the widget?",
        session_id: sessionId,
        visitor_id: visitorId,
      });
      const frames = await stream.readUntil((got) => ended(got));
      await stream.close();
      expect((await chat).status).toBe(200);

      const ids = frames.map((frame) => Number(frame.id));
      expect(ids.every((id, index) => index === 0 || id > ids[index - 1]!)).toBe(true);
      expect(frames.slice(0, 2).map((frame) => (JSON.parse(frame.data) as MessageData).role)).toEqual([
        "user",
        "assistant",
      ]);
      const stored = await storedReply(sessionId);
      expect(stored.status).toBe("complete");
      expect(deltaText(frames)).toBe(stored.content);
      expect(JSON.parse(frames.at(-1)!.data)).toMatchObject({ id: stored.id, content: stored.content });

      // Everything published after the reply (the title) comes too: read it from a resume after the last frame.
      for (const [index, frame] of frames.slice(0, -1).entries()) {
        const byQuery = index % 2 === 1;
        const resumed = await openSse(
          eventsUrl(sessionId, `visitor_id=${visitorId}${byQuery ? `&last_event_id=${frame.id}` : ""}`),
          byQuery ? {} : { "last-event-id": frame.id! },
        );
        const rest = await resumed.readUntil((got) => got.at(-1)?.id === frames.at(-1)!.id);
        await resumed.close();
        const expected = frames.slice(index + 1);
        // The title (session.updated) may interleave: compare the frames of the original stream's ids.
        const kept = rest.filter((got) => expected.some((want) => want.id === got.id));
        expect(kept.map((got) => got.raw).join("")).toBe(expected.map((want) => want.raw).join(""));
        expect(rest.map((got) => Number(got.id))).toEqual(
          [...new Set(rest.map((got) => Number(got.id)))].sort((a, b) => a - b),
        );
      }
    });

    it("a first connection mid-reply gets that reply from its start and follows it to the stored end", async () => {
      const { visitorId, sessionId } = await newSession();
      const chat = await fetch(`${target().baseUrl}/api/chats/messages/chat/stream/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          message: "How do I embed the widget?",
          session_id: sessionId,
          visitor_id: visitorId,
        }),
      });
      const reader = chat.body!.getReader();
      // The reply has started once the first delta is out.
      let seen = "";
      while (!seen.includes("event: delta")) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`the reply ended before a delta: ${seen}`);
        seen += new TextDecoder().decode(chunk.value);
      }
      const stream = await openSse(eventsUrl(sessionId, `visitor_id=${visitorId}`));
      const frames = await stream.readUntil((got) => ended(got));
      await stream.close();
      await reader.cancel();
      expect(frames[0]).toMatchObject({ event: "message.created" });
      expect(JSON.parse(frames[0]!.data)).toMatchObject({
        role: "assistant",
        status: "streaming",
        content: "",
      });
      const stored = await storedReply(sessionId);
      expect(deltaText(frames)).toBe(stored.content);
    });

    it("follows over the tRPC subscription with tracked ids, and resumes after lastEventId", async () => {
      const { visitorId, sessionId } = await newSession();
      const url = (input: unknown) =>
        `${target().baseUrl}/api/trpc/sessions.events?input=${encodeURIComponent(JSON.stringify(input))}`;
      const stream = await openSse(url({ id: sessionId, visitor_id: visitorId }));
      expect(stream.response.status).toBe(200);
      const rename = (title: string) =>
        fetch(`${target().baseUrl}/api/chats/sessions/${sessionId}/`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ visitor_id: visitorId, title }),
        });
      await rename("First");
      await rename("Second");
      const frames = await stream.readUntil((got) => got.filter((frame) => frame.id).length === 2);
      await stream.close();
      const tracked = frames.filter((frame) => frame.id);
      expect(tracked.map((frame) => JSON.parse(frame.data) as unknown)).toEqual([
        { type: "session.updated", data: expect.objectContaining({ title: "First" }) as unknown },
        { type: "session.updated", data: expect.objectContaining({ title: "Second" }) as unknown },
      ]);
      const resumed = await openSse(
        url({ id: sessionId, visitor_id: visitorId, lastEventId: tracked[0]!.id }),
      );
      const again = await resumed.readUntil((got) => got.some((frame) => frame.id));
      await resumed.close();
      expect(again.filter((frame) => frame.id).map((frame) => frame.id)).toEqual([tracked[1]!.id]);

      // Another visitor's session: an error, no events.
      const other = await newSession();
      const refused = await openSse(url({ id: sessionId, visitor_id: other.visitorId }));
      const errorFrames = await refused.readUntil((got) =>
        got.some((frame) => frame.event === "serialized-error"),
      );
      await refused.close();
      expect(errorFrames.find((frame) => frame.event === "serialized-error")?.data).toContain("FORBIDDEN");
    });

    it("answers as Next.js answers its routes: its vary, CORS for an allowed origin, a gzipped error, never a gzipped stream", async () => {
      // The GET is served by npm start's own server on Node.js' response (src/server/rest/node-routes.ts), the other
      // methods by Next.js: the headers of both are the same.
      const nextVary = "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch";
      const { visitorId, sessionId } = await newSession();
      const headers = { origin: ALLOWED_ORIGIN, "accept-encoding": "gzip" };
      const stream = await openSse(eventsUrl(sessionId, `visitor_id=${visitorId}`), headers);
      expect(stream.response.status).toBe(200);
      expect(Object.fromEntries(stream.response.headers)).toMatchObject({
        vary: `${nextVary}, Origin`,
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
        "x-content-type-options": "nosniff",
        "access-control-allow-origin": ALLOWED_ORIGIN,
      });
      expect(stream.response.headers.get("content-encoding")).toBeNull();
      await stream.close();

      // An error: the envelope, gzipped for a client that accepts it (fetch decodes it), as Next.js compresses it.
      const refused = await fetch(eventsUrl(UNKNOWN_UUID, `visitor_id=${visitorId}`), { headers });
      expect(refused.status).toBe(404);
      expect(refused.headers.get("content-encoding")).toBe("gzip");
      expect(refused.headers.get("vary")).toBe(`${nextVary}, Origin, Accept-Encoding`);
      expect(refused.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
      expect(await refused.json()).toMatchObject({ success: false, code: "SESSION_NOT_FOUND" });
      const plain = await fetch(eventsUrl(UNKNOWN_UUID, `visitor_id=${visitorId}`), {
        headers: { "accept-encoding": "identity" },
      });
      expect(plain.headers.get("content-encoding")).toBeNull();
      expect(plain.headers.get("vary")).toBe(`${nextVary}, Accept-Encoding`);
      expect(plain.headers.get("access-control-allow-origin")).toBeNull();
      expect(await plain.json()).toMatchObject({ code: "SESSION_NOT_FOUND" });

      // Served by Next.js: the other methods, with the same headers.
      const preflight = await fetch(eventsUrl(sessionId, ""), {
        method: "OPTIONS",
        headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "GET" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("vary")).toBe(`${nextVary}, Origin`);
      expect(preflight.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    });

    it("deleting the session ends its streams", async () => {
      const { visitorId, sessionId } = await newSession();
      const stream = await openSse(eventsUrl(sessionId, `visitor_id=${visitorId}`));
      const deleted = await fetch(
        `${target().baseUrl}/api/chats/sessions/${sessionId}/?visitor_id=${visitorId}`,
        {
          method: "DELETE",
        },
      );
      expect(deleted.status).toBe(200);
      expect(await stream.next()).toBeUndefined();
    });
  },
  { env: () => ({ KNOWLEDGE_STREAM_DELAY_MS: "25", CORS_ALLOWED_ORIGINS: ALLOWED_ORIGIN }) },
);
