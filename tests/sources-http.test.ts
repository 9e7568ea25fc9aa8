import { expect, it } from "vitest";
import { describeEachServer } from "./helpers/server";

interface Source {
  title: string;
  url: string;
  score: number;
}
interface Message {
  id: string;
  role: string;
  content: string;
  sources: Source[];
}
interface Envelope<T> {
  success: boolean;
  data: T;
}

/** Sources on assistant messages, through real HTTP (REST bridge) with the default knowledge-base assistant. */
describeEachServer(
  "answers with sources, and without them when the help articles do not cover the question",
  (target) => {
    async function rest<T>(
      method: string,
      path: string,
      json?: unknown,
    ): Promise<{ status: number; data: T }> {
      const response = await fetch(`${target().baseUrl}${path}`, {
        method,
        headers: json === undefined ? {} : { "content-type": "application/json" },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      return { status: response.status, data: ((await response.json()) as Envelope<T>).data };
    }

    async function newConversation() {
      const visitor = await rest<{ id: string }>("POST", "/api/chats/visitors/", {});
      const session = await rest<{ id: string }>("POST", "/api/chats/sessions/", {
        visitor_id: visitor.data.id,
      });
      return { visitor_id: visitor.data.id, session_id: session.data.id };
    }

    it("stores the sources with the reply and returns them in the chat answer and the message list", async () => {
      const ids = await newConversation();
      const chat = await rest<{ user_message: Message; assistant_message: Message }>(
        "POST",
        "/api/chats/messages/chat/",
        { ...ids, message: "can other people read my chats" },
      );
      expect(chat.status).toBe(200);
      expect(chat.data.user_message.sources).toEqual([]);
      const sources = chat.data.assistant_message.sources;
      expect(sources[0]).toMatchObject({
        title: "Privacy and your chat data › Who can see my conversations?",
        url: "/help/privacy-and-data#who-can-see-my-conversations",
      });
      expect(chat.data.assistant_message.content).not.toMatch(/Source/);
      const list = await rest<{ items: Message[] }>(
        "GET",
        `/api/chats/sessions/${ids.session_id}/messages/?visitor_id=${ids.visitor_id}`,
      );
      expect(list.data.items.map((message) => message.sources)).toEqual([[], sources]);
    });

    it("hands over when the visitor asks for a person (no sources; with nobody online the session stays with the bot)", async () => {
      const ids = await newConversation();
      const chat = await rest<{ assistant_message: Message }>("POST", "/api/chats/messages/chat/", {
        ...ids,
        message: "Can I talk to a human?",
      });
      expect(chat.status).toBe(200);
      expect(chat.data.assistant_message.sources).toEqual([]);
      expect(chat.data.assistant_message.content).toBe("I'll ask a person from our team to join this chat.");
    });

    it.each(["What is the capital of France?", "What are your opening hours?"])(
      "answers %j honestly and without sources",
      async (message) => {
        const ids = await newConversation();
        const chat = await rest<{ assistant_message: Message }>("POST", "/api/chats/messages/chat/", {
          ...ids,
          message,
        });
        expect(chat.status).toBe(200);
        expect(chat.data.assistant_message.sources).toEqual([]);
        expect(chat.data.assistant_message.content).toMatch(/^I couldn't find that in our help articles\./);
      },
    );

    it("documents sources on every message in the OpenAPI document", async () => {
      const response = await fetch(`${target().baseUrl}/api/openapi.json`);
      const document = (await response.json()) as {
        components: {
          schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }>;
        };
      };
      expect(document.components.schemas.Message?.required).toContain("sources");
      expect(document.components.schemas.MessageSource?.properties).toHaveProperty("url");
    });
  },
  { env: () => ({ KNOWLEDGE_STREAM_DELAY_MS: "0" }) },
);
