import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../testing/fake-llm";
import { describeEachServer } from "./helpers/server";

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

interface Envelope<T> {
  success: boolean;
  code?: string;
  message: string;
  data: T;
}
interface Message {
  id: string;
  content: string;
  status: string;
}

/** The LLM configuration a deployment sets, pointed at the local fake; exercised through real HTTP. */
describeEachServer(
  "LLM replies over HTTP: failure, retry and stop (tRPC and REST)",
  (target) => {
    beforeEach(() => {
      fake.setDefault({ kind: "stream", chunks: ["All", " good."] });
    });

    async function rest<T>(
      method: string,
      path: string,
      json?: unknown,
    ): Promise<{ status: number; body: Envelope<T> }> {
      const response = await fetch(`${target().baseUrl}${path}`, {
        method,
        headers: json === undefined ? {} : { "content-type": "application/json" },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      return { status: response.status, body: (await response.json()) as Envelope<T> };
    }

    async function newConversation() {
      const visitor = await rest<{ id: string }>("POST", "/api/chats/visitors/");
      const session = await rest<{ id: string }>("POST", "/api/chats/sessions/", {
        visitor_id: visitor.body.data.id,
      });
      return { visitor_id: visitor.body.data.id, session_id: session.body.data.id };
    }

    it("a failed reply is a 502 that keeps the question; REST retry regenerates it", async () => {
      const ids = await newConversation();
      fake.queue({ kind: "status", status: 503 });
      const failed = await rest("POST", "/api/chats/messages/chat/", {
        ...ids,
        message: "Where is my data?",
      });
      expect(failed.status).toBe(502);
      expect(failed.body).toMatchObject({ success: false, code: "REPLY_FAILED" });
      expect(failed.body.message).toMatch(/Your message was saved/);

      const history = await rest<{ items: Message[] }>(
        "GET",
        `/api/chats/sessions/${ids.session_id}/messages/?visitor_id=${ids.visitor_id}`,
      );
      const [question, reply] = history.body.data.items;
      expect(question).toMatchObject({ content: "Where is my data?", status: "complete" });
      expect(reply).toMatchObject({ status: "failed" });

      const retried = await rest<{ assistant_message: Message }>(
        "POST",
        `/api/chats/messages/${reply!.id}/retry/`,
        {
          visitor_id: ids.visitor_id,
        },
      );
      expect(retried.status).toBe(200);
      expect(retried.body.data.assistant_message).toMatchObject({ id: reply!.id, status: "complete" });
      expect(retried.body.data.assistant_message.content).toMatch(/^All good\./);

      const again = await rest("POST", `/api/chats/messages/${reply!.id}/retry/`, {
        visitor_id: ids.visitor_id,
      });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe("REPLY_NOT_RETRYABLE");
    });

    it("REST stop cancels the upstream generation of a streaming reply and keeps its text", async () => {
      const ids = await newConversation();
      fake.queue({
        kind: "stream",
        chunks: Array.from({ length: 100 }, (_, index) => `w${index} `),
        delayMs: 30,
      });
      const response = await fetch(`${target().baseUrl}/api/chats/messages/chat/stream/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...ids, message: "a long one" }),
      });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      while (!/event: delta[\s\S]*event: delta[\s\S]*event: delta/.test(text)) {
        const { value } = await reader.read();
        text += decoder.decode(value, { stream: true });
      }
      const assistantId = /"assistant_message":\{"id":"([^"]+)"/.exec(text)![1]!;
      const stopped = await rest<Message>("POST", `/api/chats/messages/${assistantId}/stop/`, {
        visitor_id: ids.visitor_id,
      });
      expect(stopped.status).toBe(200);
      expect(stopped.body.data.status).toBe("stopped");
      expect(stopped.body.data.content).toMatch(/^w0 w1 w2 /);
      expect(stopped.body.data.content).not.toContain("w99");

      let rest_ = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest_ += decoder.decode(value, { stream: true });
      }
      expect(rest_).toMatch(/event: done\ndata: .*"status":"stopped"/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fake.requests.at(-1)!.aborted).toBe(true);
    });

    it("the tRPC retryStream streams a regenerated reply", async () => {
      const ids = await newConversation();
      fake.queue({ kind: "cut", chunks: ["Half"] });
      await rest("POST", "/api/chats/messages/chat/", { ...ids, message: "hello?" });
      const history = await rest<{ items: Message[] }>(
        "GET",
        `/api/chats/sessions/${ids.session_id}/messages/?visitor_id=${ids.visitor_id}`,
      );
      const failed = history.body.data.items[1]!;
      expect(failed).toMatchObject({ status: "failed", content: "Half" });
      fake.queue({ kind: "stream", chunks: ["Whole", " answer"] });
      const response = await fetch(`${target().baseUrl}/api/trpc/messages.retryStream?batch=1`, {
        method: "POST",
        headers: { "content-type": "application/json", "trpc-accept": "application/jsonl" },
        body: JSON.stringify({ 0: { id: failed.id, visitor_id: ids.visitor_id } }),
      });
      const lines = (await response.text()).trim().split("\n");
      expect(lines.some((line) => line.includes('"type":"delta","text":"Whole"'))).toBe(true);
      expect(lines.some((line) => line.includes('"type":"done"'))).toBe(true);
    });
  },
  {
    env: () => ({
      LLM_BASE_URL: fake.baseUrl,
      LLM_QUERY_REWRITE: "language",
      LLM_MODEL: "test-model",
      LLM_MAX_RETRIES: "0",
      LLM_TIMEOUT_MS: "2000",
    }),
  },
);
