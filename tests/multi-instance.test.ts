/**
 * Several app instances on one PostgreSQL database and Redis (REDIS_URL): two `next start` servers, A and B.
 * A conversation streamed from A resumes on B byte for byte; a message sent on B reaches a follower on A; an
 * agent on B claims, types and replies to a visitor following on A; a stop asked of B cancels the reply A is
 * writing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../testing/next-server";
import { openSse, type SseFrame } from "../testing/sse";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";
import { startServer, type RunningServer } from "./helpers/server";
import { openDatabase, type Database } from "~/server/db/client";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";

const REDIS_URL = "redis://127.0.0.1:6379";

/** nginx (Debian package, installed by .ci/run): the deployment test runs when it is there. */
const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((file) => existsSync(file));

/**
 * Starts nginx with deploy/nginx.conf as shipped, only its listen port and upstream servers replaced, in a
 * directory of its own (pid, logs, temp files). Resolves once it answers.
 */
async function startNginx(upstreams: string[]): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), "visitor-chat-nginx-"));
  // Workers run as an unprivileged user when nginx starts as root: they must reach the temp paths.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const shipped = readFileSync(path.join("deploy", "nginx.conf"), "utf8");
  const servers = upstreams.map((upstream) => `    server ${upstream};`).join("\n");
  const config = shipped
    .replace(/(upstream visitor_chat \{\n)(?:\s*#.*\n)*(?:\s*server [^;]+;\n)+/, `$1${servers}\n`)
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`)
    .replace(/worker_processes auto;/, `worker_processes 1;\npid ${dir}/nginx.pid;`)
    .replace(
      /access_log off;/,
      `access_log off;\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n  fastcgi_temp_path ${dir}/fastcgi;\n  uwsgi_temp_path ${dir}/uwsgi;\n  scgi_temp_path ${dir}/scgi;`,
    );
  expect(config).toContain(`listen 127.0.0.1:${port};`);
  expect(config).toContain(upstreams[1]);
  const file = path.join(dir, "nginx.conf");
  writeFileSync(file, config);
  const child: ChildProcess = spawn(
    NGINX!,
    ["-c", file, "-e", path.join(dir, "error.log"), "-g", "daemon off;"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${output}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).status < 500) break;
    } catch {
      // not listening yet
    }
    if (attempt > 100) throw new Error(`nginx did not answer: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill("SIGQUIT");
      }),
  };
}

interface MessageData {
  id: string;
  role: string;
  status: string;
  content: string;
}

const finalOf = (frames: SseFrame[]) =>
  frames.find((frame) => {
    if (frame.event !== "message.updated") return false;
    const data = JSON.parse(frame.data) as MessageData;
    return data.role === "assistant" && data.status !== "streaming";
  });

const deltaText = (frames: SseFrame[]) =>
  frames
    .filter((frame) => frame.event === "message.delta")
    .map((frame) => (JSON.parse(frame.data) as { text: string }).text)
    .join("");

describe("two instances on PostgreSQL and Redis", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    testDatabase = await createTestDatabase("postgresql");
    const env = { REDIS_URL, KNOWLEDGE_STREAM_DELAY_MS: "40", TRUSTED_PROXIES: "1" };
    [a, b] = await Promise.all([
      startServer({ databaseUrl: testDatabase.url, env }),
      startServer({ databaseUrl: testDatabase.url, env }),
    ]);
    database = await openDatabase(testDatabase.url);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.close();
    await testDatabase?.drop();
  });

  async function post(server: RunningServer, path: string, json: unknown) {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(json),
    });
    return { status: response.status, body: (await response.json()) as { data: { id: string } } };
  }

  async function newSession(server: RunningServer) {
    const visitor = await post(server, "/api/chats/visitors/", {});
    const session = await post(server, "/api/chats/sessions/", { visitor_id: visitor.body.data.id });
    return { visitorId: visitor.body.data.id, sessionId: session.body.data.id };
  }

  const eventsUrl = (server: RunningServer, sessionId: string, visitorId: string) =>
    `${server.baseUrl}/api/chats/sessions/${sessionId}/events/?visitor_id=${visitorId}`;

  it("streams a reply on A and resumes it on B from any event, byte for byte", async () => {
    const { visitorId, sessionId } = await newSession(a);
    const onA = await openSse(eventsUrl(a, sessionId, visitorId));
    const chat = post(a, "/api/chats/messages/chat/", {
      message: "How do I embed the widget?",
      session_id: sessionId,
      visitor_id: visitorId,
    });
    const frames = await onA.readUntil((got) => finalOf(got) !== undefined);
    await onA.close();
    expect((await chat).status).toBe(200);
    const last = frames.at(-1)!;
    for (const index of [0, 1, Math.floor(frames.length / 2), frames.length - 2]) {
      const onB = await openSse(eventsUrl(b, sessionId, visitorId), { "last-event-id": frames[index]!.id! });
      const rest = await onB.readUntil((got) => got.at(-1)?.id === last.id);
      await onB.close();
      expect(rest.map((frame) => frame.raw).join("")).toBe(
        frames
          .slice(index + 1)
          .map((frame) => frame.raw)
          .join(""),
      );
    }
    const stored = await database.db.message.findFirstOrThrow({
      where: { session_id: sessionId, role: "assistant" },
    });
    expect(deltaText(frames)).toBe(stored.content);
  });

  it("a message sent on B reaches a follower on A within a second, and its reply follows live", async () => {
    const { visitorId, sessionId } = await newSession(a);
    const onA = await openSse(eventsUrl(a, sessionId, visitorId));
    const sent = await fetch(`${b.baseUrl}/api/chats/messages/chat/stream/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "hello from B", session_id: sessionId, visitor_id: visitorId }),
    });
    const reader = sent.body!.getReader();
    const first = await reader.read();
    // B has stored and published the message once its stream's first frame (start) is out.
    const startedAt = Date.now();
    expect(new TextDecoder().decode(first.value)).toContain("event: start");
    const created = await onA.next();
    const latency = Date.now() - startedAt;
    expect(created?.event).toBe("message.created");
    expect(JSON.parse(created!.data)).toMatchObject({ role: "user", content: "hello from B" });
    expect(latency).toBeLessThan(1_000);
    const rest = await onA.readUntil((got) => finalOf(got) !== undefined);
    await onA.close();
    await reader.cancel();
    const final = JSON.parse(finalOf(rest)!.data) as MessageData;
    expect(deltaText(rest)).toBe(final.content);
  });

  it("an agent on B claims, types and replies; the visitor following on A sees each within a second", async () => {
    const { visitorId, sessionId } = await newSession(a);
    const agent = (path: string, json: unknown = {}) =>
      fetch(`${b.baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TEST_ADMIN_API_KEY}` },
        body: JSON.stringify(json),
      });
    // The agent's inbox is open (presence, in the shared database): a request for a person waits for them.
    expect((await agent("/api/admin/presence/")).status).toBe(200);
    const onA = await openSse(eventsUrl(a, sessionId, visitorId));
    const asked = await post(a, `/api/chats/sessions/${sessionId}/handoff/`, { visitor_id: visitorId });
    expect(asked.status).toBe(200);
    const nextOf = async (event: string) => {
      for (;;) {
        const frame = await onA.next();
        if (!frame || frame.event === event) return frame;
      }
    };
    expect(JSON.parse((await nextOf("session.updated"))!.data)).toMatchObject({ mode: "waiting" });

    const timed = async <T>(work: () => Promise<Response>, event: string) => {
      const startedAt = Date.now();
      expect((await work()).status).toBeLessThan(300);
      const frame = await nextOf(event);
      expect(Date.now() - startedAt, `${event} from B seen on A`).toBeLessThan(1_000);
      return JSON.parse(frame!.data) as T;
    };
    expect(
      await timed(
        () => agent(`/api/admin/sessions/${sessionId}/claim/`, { agent_name: "Ada" }),
        "session.updated",
      ),
    ).toMatchObject({ mode: "agent", agent_name: "Ada" });
    expect(
      await timed(() => agent(`/api/admin/sessions/${sessionId}/typing/`, { active: true }), "typing"),
    ).toEqual({ role: "agent", active: true });
    expect(
      await timed(
        () =>
          agent(`/api/admin/sessions/${sessionId}/messages/`, {
            message: "Hi, Ada here.",
            agent_name: "Ada",
          }),
        "message.created",
      ),
    ).toMatchObject({ role: "agent", author_name: "Ada", content: "Hi, Ada here." });
    await onA.close();
  });

  it("a stop asked of B cancels the reply A is writing; followers see it end as stored", async () => {
    const { visitorId, sessionId } = await newSession(a);
    const onB = await openSse(eventsUrl(b, sessionId, visitorId));
    const chat = await fetch(`${a.baseUrl}/api/chats/messages/chat/stream/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        message: "How do I embed the widget and change its colours?",
        session_id: sessionId,
        visitor_id: visitorId,
      }),
    });
    const upToDelta = await onB.readUntil((got) => got.some((frame) => frame.event === "message.delta"));
    const reply = upToDelta
      .map((frame) => JSON.parse(frame.data) as MessageData)
      .find((data) => data.role === "assistant")!;
    const stop = await post(b, `/api/chats/messages/${reply.id}/stop/`, { visitor_id: visitorId });
    expect(stop.status).toBe(200);
    const rest = await onB.readUntil((got) => finalOf(got) !== undefined);
    await onB.close();
    await chat.body?.cancel();
    const frames = [...upToDelta, ...rest];
    const final = JSON.parse(finalOf(frames)!.data) as MessageData;
    expect(final.status).toBe("stopped");
    const stored = await database.db.message.findUniqueOrThrow({ where: { id: reply.id } });
    expect(stored.status).toBe("stopped");
    expect(stored.content).toBe(final.content);
    expect(deltaText(frames)).toBe(stored.content);
  });

  it.skipIf(!NGINX)(
    "runs a whole conversation through nginx (deploy/nginx.conf) in front of both",
    async () => {
      const port = (server: RunningServer) => new URL(server.baseUrl).host;
      const nginx = await startNginx([port(a), port(b)]);
      try {
        const front = { baseUrl: nginx.baseUrl } as RunningServer;
        const { visitorId, sessionId } = await newSession(front);
        const events = await openSse(eventsUrl(front, sessionId, visitorId));
        expect(events.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
        const chat = await fetch(`${nginx.baseUrl}/api/chats/messages/chat/stream/`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            message: "How do I embed the widget?",
            session_id: sessionId,
            visitor_id: visitorId,
          }),
        });
        expect(chat.status).toBe(200);
        const streamed = await chat.text();
        expect(streamed).toContain("event: done");
        const frames = await events.readUntil((got) => finalOf(got) !== undefined);
        await events.close();
        const final = JSON.parse(finalOf(frames)!.data) as MessageData;
        expect(final.status).toBe("complete");
        expect(deltaText(frames)).toBe(final.content);
        // Resumed through nginx (on whichever instance it picks), from the middle of the reply.
        const middle = frames[Math.floor(frames.length / 2)]!;
        const resumed = await openSse(eventsUrl(front, sessionId, visitorId), {
          "last-event-id": middle.id!,
        });
        const rest = await resumed.readUntil((got) => got.at(-1)?.id === frames.at(-1)!.id);
        await resumed.close();
        expect(rest.map((frame) => frame.raw).join("")).toBe(
          frames
            .slice(frames.indexOf(middle) + 1)
            .map((frame) => frame.raw)
            .join(""),
        );
        const list = await fetch(
          `${nginx.baseUrl}/api/chats/sessions/${sessionId}/messages/?visitor_id=${visitorId}`,
        );
        const page = (await list.json()) as { data: { items: MessageData[] } };
        expect(page.data.items.map((message) => message.content)).toContain(final.content);
      } finally {
        await nginx.stop();
      }
    },
  );
});
