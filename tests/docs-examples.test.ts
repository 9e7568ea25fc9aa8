import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ReactChat } from "../docs/examples/ReactChat.jsx";
import { VisitorChatClient, VisitorChatError } from "../docs/examples/visitor-chat-client.js";
import { describeEachServer } from "./helpers/server";

const run = promisify(execFile);

/** The examples in docs/ run against the real server, so the guide cannot drift from the API. */
describeEachServer("docs/examples", (target) => {
  it("curl-flow.sh runs the three steps", async () => {
    const { stdout } = await run("bash", ["docs/examples/curl-flow.sh"], {
      env: { ...process.env, BASE_URL: target().baseUrl },
    });
    expect(stdout).toMatch(/^visitor: [0-9a-f-]{36}$/m);
    expect(stdout).toMatch(/^session: [0-9a-f-]{36}$/m);
    expect(stdout).toMatch(/^assistant: .*embed/im);
    const deltas = Number(/^streamed deltas: (\d+)$/m.exec(stdout)?.[1]);
    expect(deltas).toBeGreaterThan(3);
    // Two questions and their replies, replayed from the event stream.
    expect(stdout).toMatch(/^replayed messages: 4$/m);
  });

  it("visitor-chat-client.js keeps a visitor, chats, streams, and reports errors", async () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => void store.set(key, value),
    };
    const client = new VisitorChatClient({ baseUrl: target().baseUrl, storage });

    const visitorId = await client.ensureVisitor({ locale: "de-DE" });
    expect(store.get("visitor_id")).toBe(visitorId);
    expect(await client.ensureVisitor()).toBe(visitorId); // validated, kept
    store.set("visitor_id", "00000000-0000-4000-8000-000000000000");
    const replaced = await client.ensureVisitor(); // unknown: replaced silently
    expect(replaced).not.toBe(visitorId);
    expect(store.get("visitor_id")).toBe(replaced);

    const session = await client.createSession(replaced, "Docs test");
    const whole = await client.chat(replaced, session.id, "How do I delete a conversation?");
    expect(whole.assistant_message.status).toBe("complete");

    const deltas: string[] = [];
    const streamed = await client.chatStream(replaced, session.id, "How do I stop a reply?", (text: string) =>
      deltas.push(text),
    );
    expect(deltas.length).toBeGreaterThan(1);
    expect(streamed.content).toBe(deltas.join(""));
    const stored = await target().database.db.message.findUniqueOrThrow({ where: { id: streamed.id } });
    expect(stored.content).toBe(streamed.content);

    const error = await client
      .chat(replaced, session.id, "x".repeat(4001))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VisitorChatError);
    expect(error).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
  });
});

describe("docs/examples/ReactChat.jsx", () => {
  it("renders an accessible chat form, disabled until the visitor and session are ready", () => {
    const html = renderToString(createElement(ReactChat, { baseUrl: "http://localhost:3000" }));
    expect(html).toContain('aria-label="Chat"');
    expect(html).toContain('aria-live="polite"');
    expect(html).toMatch(/<input[^>]*disabled/);
    expect(html).toMatch(/<button[^>]*disabled[^>]*>Send<\/button>/);
  });
});
