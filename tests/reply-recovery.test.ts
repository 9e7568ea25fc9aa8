/**
 * Replies whose writer died or lost the database, against real `next start` servers: a server killed with
 * SIGKILL mid-reply, and PostgreSQL cut off (through a TCP proxy) mid-reply. No reply is left `streaming`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/server/db/client";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "./helpers/databases";
import { startFakeLlm, type FakeLlm } from "../testing/fake-llm";
import { startServer, type RunningServer } from "../testing/next-server";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { startTcpProxy, type TcpProxy } from "../testing/tcp-proxy";

interface SseEvent {
  event: string;
  data: Record<string, unknown> & { text?: string; code?: string };
}

/** The SSE events of a response, as they arrive. */
async function* readEvents(response: Response): AsyncGenerator<SseEvent> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1] ?? "message";
        const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? "{}") as SseEvent["data"];
        yield { event, data };
      }
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

async function call(baseUrl: string, method: string, path: string, json?: unknown, headers = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(json === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: response.status, body: (await response.json()) as { data: Record<string, unknown> } };
}

async function newConversation(baseUrl: string) {
  const visitor = await call(baseUrl, "POST", "/api/chats/visitors/", {});
  const visitorId = visitor.body.data.id as string;
  const session = await call(baseUrl, "POST", "/api/chats/sessions/", { visitor_id: visitorId });
  return { visitorId, sessionId: session.body.data.id as string };
}

function streamChat(
  baseUrl: string,
  conversation: { visitorId: string; sessionId: string },
  message: string,
) {
  return fetch(`${baseUrl}/api/chats/messages/chat/stream/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      message,
      session_id: conversation.sessionId,
      visitor_id: conversation.visitorId,
    }),
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const shortLease = { REPLY_LEASE_SECONDS: "1", REPLY_SWEEP_SECONDS: "1" };

for (const dialect of dialectsUnderTest()) {
  describe(`a reply whose server is killed mid-reply [${dialect}]`, () => {
    let testDatabase: TestDatabase | undefined;
    let database: Database | undefined;
    let llm: FakeLlm | undefined;
    const servers: RunningServer[] = [];
    beforeAll(async () => {
      testDatabase = await createTestDatabase(dialect);
      database = await openDatabase(testDatabase.url);
      llm = await startFakeLlm();
    });
    afterAll(async () => {
      for (const server of servers) await server.kill();
      await database?.close();
      await llm?.close();
      await testDatabase?.drop();
    });
    const serverEnv = () => ({
      LLM_BASE_URL: llm!.baseUrl,
      LLM_QUERY_REWRITE: "language",
      LLM_MODEL: "test-model",
      LLM_TIMEOUT_MS: "600000",
      ...shortLease,
    });
    const reply = (id: string) => database!.db.message.findUniqueOrThrow({ where: { id } });

    it("is marked failed with its partial text by the next server, shows in the dashboard, and can be retried", async () => {
      // The model streams two chunks, then hangs: the reply is mid-way when the server dies.
      llm!.queue({ kind: "hang", chunks: ["Partial ", "answer"] });
      const first = await startServer({ databaseUrl: testDatabase!.url, env: serverEnv() });
      servers.push(first);
      const conversation = await newConversation(first.baseUrl);
      let replyId = "";
      let text = "";
      for await (const { event, data } of readEvents(
        await streamChat(first.baseUrl, conversation, "Tell me"),
      )) {
        if (event === "start") replyId = (data.assistant_message as { id: string }).id;
        if (event === "delta") text += data.text;
        if (text === "Partial answer") break;
      }
      // Text arrived in one burst, then nothing: the heartbeat still saves it.
      await waitFor(
        async () => (await reply(replyId)).content === "Partial answer",
        5_000,
        "the partial save",
      );

      await first.kill();
      expect(await reply(replyId)).toMatchObject({ status: "streaming", content: "Partial answer" });

      const second = await startServer({ databaseUrl: testDatabase!.url, env: serverEnv() });
      servers.push(second);
      // The killed server's sweep lease (5 s) must run out first, then the new server's sweep fails the reply.
      await waitFor(async () => (await reply(replyId)).status !== "streaming", 30_000, "the sweep");
      expect(await reply(replyId)).toMatchObject({ status: "failed", content: "Partial answer" });

      const listed = await call(
        second.baseUrl,
        "GET",
        `/api/chats/sessions/${conversation.sessionId}/messages/?visitor_id=${conversation.visitorId}`,
      );
      expect(listed.body.data.items).toContainEqual(
        expect.objectContaining({ id: replyId, status: "failed", content: "Partial answer" }),
      );
      const dashboard = await call(second.baseUrl, "GET", "/api/admin/dashboard/", undefined, {
        authorization: `Bearer ${TEST_ADMIN_API_KEY}`,
      });
      expect(dashboard.body.data).toMatchObject({ totals: { failed_replies: 1 } });

      const retried = await call(second.baseUrl, "POST", `/api/chats/messages/${replyId}/retry/`, {
        visitor_id: conversation.visitorId,
      });
      expect([200, 201]).toContain(retried.status);
      expect(retried.body.data.assistant_message).toMatchObject({
        id: replyId,
        status: "complete",
        // (The LLM responder adds links to the knowledge-base passages it used.)
        content: expect.stringMatching(/^Hello from the model\./),
      });
      expect(await reply(replyId)).toMatchObject({
        status: "complete",
        content: expect.stringMatching(/^Hello from the model\./),
      });
    }, 120_000);
  });
}

describe.runIf(dialectsUnderTest().includes("postgresql"))(
  "a reply while PostgreSQL goes away mid-reply [postgresql]",
  () => {
    let testDatabase: TestDatabase | undefined;
    let database: Database | undefined;
    let proxy: TcpProxy | undefined;
    let llm: FakeLlm | undefined;
    let server: RunningServer | undefined;
    beforeAll(async () => {
      testDatabase = await createTestDatabase("postgresql");
      database = await openDatabase(testDatabase.url);
      const direct = new URL(testDatabase.url);
      proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
      const proxied = new URL(testDatabase.url);
      proxied.port = String(proxy.port);
      llm = await startFakeLlm();
      // About 1.6 s of streaming per reply.
      llm.setDefault({ kind: "stream", chunks: ["one ", "two ", "three ", "four"], delayMs: 400 });
      server = await startServer({
        databaseUrl: proxied.toString(),
        env: {
          LLM_BASE_URL: llm.baseUrl,
          LLM_QUERY_REWRITE: "language",
          LLM_MODEL: "test-model",
          REPLY_LEASE_SECONDS: "2",
          REPLY_SWEEP_SECONDS: "1",
          REPLY_FINAL_SAVE_SECONDS: "4",
        },
      });
    }, 90_000);
    afterAll(async () => {
      await server?.kill();
      await proxy?.close();
      await llm?.close();
      await database?.close();
      await testDatabase?.drop();
    });
    const reply = (id: string) => database!.db.message.findUniqueOrThrow({ where: { id } });

    /** Streams a chat, cutting the database at the first delta and restoring it `restoreAfterMs` later. */
    async function chatThroughOutage(restoreAfterMs: number) {
      await proxy!.restore();
      const conversation = await newConversation(server!.baseUrl);
      const events: SseEvent[] = [];
      let restored: Promise<void> | undefined;
      for await (const event of readEvents(await streamChat(server!.baseUrl, conversation, "hello"))) {
        events.push(event);
        if (event.event === "delta" && !restored) {
          await proxy!.cut();
          restored = new Promise((resolve) => setTimeout(resolve, restoreAfterMs)).then(() =>
            proxy!.restore(),
          );
        }
      }
      await restored;
      const replyId = (events[0]!.data.assistant_message as { id: string }).id;
      return { events, replyId };
    }

    it("sends done, with the reply stored complete, when the database is back within the final-save window", async () => {
      const { events, replyId } = await chatThroughOutage(2_500);
      expect(events.at(-1)).toMatchObject({
        event: "done",
        data: { assistant_message: { status: "complete", content: "one two three four" } },
      });
      expect(await reply(replyId)).toMatchObject({ status: "complete", content: "one two three four" });
    }, 60_000);

    it("sends error (not done) when the database stays away longer; once it is back the reply ends failed", async () => {
      const { events, replyId } = await chatThroughOutage(8_000);
      expect(events.map((event) => event.event)).not.toContain("done");
      expect(events.at(-1)).toMatchObject({
        event: "error",
        data: { code: "SERVICE_UNAVAILABLE", assistant_message: { status: "failed" } },
      });
      await waitFor(async () => (await reply(replyId)).status !== "streaming", 15_000, "the sweep");
      expect((await reply(replyId)).status).toBe("failed");
    }, 60_000);
  },
);
