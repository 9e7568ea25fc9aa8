/**
 * The widget's live view of the open conversation (src/components/widget/session-live.ts): the event stream
 * laid over the loaded list, whatever order the list and the events arrive in.
 */
import { describe, expect, it } from "vitest";
import type { Message } from "~/components/widget/chat-items";
import { applyLiveEvent, emptyLive, overlayLive, type LiveEvent } from "~/components/widget/session-live";

const message = (id: string, overrides: Partial<Message> = {}): Message => ({
  id,
  session_id: "s",
  role: "assistant",
  kind: null,
  content: "",
  status: "streaming",
  sources: [],
  author_name: null,
  feedback: null,
  attachments: [],
  created_at: `2026-01-01T00:00:0${id.length}.000Z`,
  ...overrides,
});

const apply = (events: LiveEvent[]) => events.reduce(applyLiveEvent, emptyLive("s"));

describe("live messages", () => {
  it("builds a reply from its creation and deltas, and lets the final update win", () => {
    const live = apply([
      { type: "message.created", data: message("a") },
      { type: "message.delta", data: { message_id: "a", text: "Hel" } },
      { type: "message.delta", data: { message_id: "a", text: "lo" } },
    ]);
    expect(live.byId.get("a")).toMatchObject({ content: "Hello", status: "streaming" });
    const ended = applyLiveEvent(live, {
      type: "message.updated",
      data: message("a", { content: "Hello", status: "complete" }),
    });
    expect(ended.byId.get("a")).toMatchObject({ content: "Hello", status: "complete" });
    // A late delta after the end changes nothing.
    expect(applyLiveEvent(ended, { type: "message.delta", data: { message_id: "a", text: "!" } })).toBe(
      ended,
    );
  });

  it("ignores deltas of replies not seen from their start, and events it does not show", () => {
    const live = emptyLive("s");
    expect(applyLiveEvent(live, { type: "message.delta", data: { message_id: "x", text: "?" } })).toBe(live);
    expect(applyLiveEvent(live, { type: "typing", data: { role: "agent", active: true } })).toBe(live);
  });

  it("overlays the loaded list (a stale partial loses to the stream) and appends newer messages in order", () => {
    const list = [
      message("u", { role: "user", content: "q", status: "complete" }),
      message("a", { content: "He" }),
    ];
    const live = apply([
      { type: "message.created", data: message("a") },
      { type: "message.delta", data: { message_id: "a", text: "Hello" } },
      { type: "message.created", data: message("uu", { role: "user", content: "next", status: "complete" }) },
    ]);
    expect(overlayLive(list, live).map((m) => [m.id, m.content])).toEqual([
      ["u", "q"],
      ["a", "Hello"],
      ["uu", "next"],
    ]);
  });
});
