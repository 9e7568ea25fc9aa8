import { expect, it } from "vitest";
import { describeEachServer } from "./helpers/server";

interface Envelope<T> {
  success: boolean;
  message: string;
  code?: string;
  errors?: Record<string, string[]>;
  data: T;
}

/** Reply feedback and conversation ratings over the REST bridge (next start), with the default assistant. */
describeEachServer(
  "feedback and ratings over REST",
  (target) => {
    async function rest<T>(method: string, path: string, json?: unknown) {
      const response = await fetch(`${target().baseUrl}${path}`, {
        method,
        headers: json === undefined ? {} : { "content-type": "application/json" },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      return { status: response.status, body: (await response.json()) as Envelope<T> };
    }

    async function conversation(message: string) {
      const visitor = await rest<{ id: string }>("POST", "/api/chats/visitors/", {});
      const session = await rest<{ id: string }>("POST", "/api/chats/sessions/", {
        visitor_id: visitor.body.data.id,
      });
      const ids = { visitor_id: visitor.body.data.id, session_id: session.body.data.id };
      const chat = await rest<{
        user_message: { id: string };
        assistant_message: { id: string; feedback: null };
      }>("POST", "/api/chats/messages/chat/", { ...ids, message });
      return { ...ids, question: chat.body.data.user_message, reply: chat.body.data.assistant_message };
    }

    it("rates a reply, returns it with the messages, and refuses what is not the visitor's", async () => {
      const { visitor_id, session_id, reply, question } = await conversation(
        "What is the capital of France?",
      );
      expect(reply.feedback).toBeNull();
      const rated = await rest<{ rating: string; comment: string }>(
        "POST",
        `/api/chats/messages/${reply.id}/feedback/`,
        { visitor_id, rating: "down", comment: "Not covered" },
      );
      expect(rated.status).toBe(200);
      expect(rated.body).toMatchObject({ success: true, data: { rating: "down", comment: "Not covered" } });
      const again = await rest("POST", `/api/chats/messages/${reply.id}/feedback/`, {
        visitor_id,
        rating: "up",
      });
      expect(again.status).toBe(200);
      const list = await rest<{ items: { feedback: string | null }[] }>(
        "GET",
        `/api/chats/sessions/${session_id}/messages/?visitor_id=${visitor_id}`,
      );
      expect(list.body.data.items.map((message) => message.feedback)).toEqual([null, "up"]);

      const stranger = await rest<{ id: string }>("POST", "/api/chats/visitors/", {});
      const cases: [string, unknown, number, string][] = [
        [reply.id, { visitor_id: stranger.body.data.id, rating: "down" }, 403, "SESSION_OF_ANOTHER_VISITOR"],
        ["00000000-0000-4000-8000-000000000000", { visitor_id, rating: "down" }, 404, "MESSAGE_NOT_FOUND"],
        [question.id, { visitor_id, rating: "down" }, 400, "NOT_AN_ASSISTANT_MESSAGE"],
        [reply.id, { visitor_id, rating: "sideways" }, 400, "VALIDATION_FAILED"],
      ];
      for (const [id, body, status, code] of cases) {
        const response = await rest("POST", `/api/chats/messages/${id}/feedback/`, body);
        expect([response.status, response.body.code], `${id} ${JSON.stringify(body)}`).toEqual([
          status,
          code,
        ]);
      }
      const invalid = await rest("POST", `/api/chats/messages/${reply.id}/feedback/`, {
        visitor_id,
        rating: "sideways",
      });
      expect(invalid.body.errors).toHaveProperty("rating");
      const after = await rest<{ items: { feedback: string | null }[] }>(
        "GET",
        `/api/chats/sessions/${session_id}/messages/?visitor_id=${visitor_id}`,
      );
      expect(after.body.data.items[1]?.feedback).toBe("up");
    });

    it("rates a conversation 1–5, with field errors outside that", async () => {
      const { visitor_id, session_id } = await conversation("hello");
      const rated = await rest<{ rating: number }>("POST", `/api/chats/sessions/${session_id}/rating/`, {
        visitor_id,
        rating: 5,
      });
      expect(rated.status).toBe(200);
      expect(rated.body.data.rating).toBe(5);
      const bad = await rest("POST", `/api/chats/sessions/${session_id}/rating/`, { visitor_id, rating: 9 });
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.rating).toEqual(["rating must be at most 5"]);
      const stranger = await rest<{ id: string }>("POST", "/api/chats/visitors/", {});
      const foreign = await rest("POST", `/api/chats/sessions/${session_id}/rating/`, {
        visitor_id: stranger.body.data.id,
        rating: 1,
      });
      expect([foreign.status, foreign.body.code]).toEqual([403, "SESSION_OF_ANOTHER_VISITOR"]);
    });
  },
  { env: () => ({ KNOWLEDGE_STREAM_DELAY_MS: "0" }) },
);
