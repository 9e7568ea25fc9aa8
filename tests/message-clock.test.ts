import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chatMessageTimes } from "~/server/chat/messages/message-clock";

describe("chatMessageTimes", () => {
  it("puts the reply a millisecond after the question, and a session's next chat after both", () => {
    const session = randomUUID();
    const now = new Date("2026-03-04T05:06:07.008Z");
    const first = chatMessageTimes(session, now);
    expect([first.userAt.getTime(), first.assistantAt.getTime()]).toEqual([now.getTime(), now.getTime() + 1]);
    // The next chat within the same millisecond (an instant reply) still comes after the previous reply.
    const second = chatMessageTimes(session, new Date(now.getTime() + 1));
    expect(second.userAt.getTime()).toBe(now.getTime() + 2);
    expect(second.assistantAt.getTime()).toBe(now.getTime() + 3);
    // Later chats take the clock's time; other sessions are not affected.
    const later = new Date(now.getTime() + 60_000);
    expect(chatMessageTimes(session, later).userAt).toEqual(later);
    expect(chatMessageTimes(randomUUID(), now).userAt).toEqual(now);
  });
});
