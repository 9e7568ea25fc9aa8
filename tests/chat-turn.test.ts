import { describe, expect, it } from "vitest";
import { mergeChatItems, type Message } from "~/components/widget/chat-items";
import {
  createChatTurnReducer,
  endedWithoutReply,
  fromStreamEvent,
  initialChatTurnState,
  isBusy,
  isWaiting,
  newTurn,
  regenerationTurn,
  retryActionFor,
  turnsOf,
  type ChatTurnEvent,
  type ChatTurnState,
  type Turn,
} from "~/components/widget/chat-turn";

// The announcements as the English catalogue words them (Widget.messages.newReply, replyFailedAnnouncement).
const chatTurnReducer = createChatTurnReducer({
  newReply: (text) => `New reply: ${text}`,
  replyFailed: (message) => `The reply failed. ${message}`,
});

const AT = "2026-01-01T10:00:00.000Z";
const STORED_AT = "2026-01-01T10:00:01.000Z";

function reduce(events: ChatTurnEvent[], from: ChatTurnState = initialChatTurnState): ChatTurnState {
  return events.reduce(chatTurnReducer, from);
}

function only(state: ChatTurnState): Turn {
  expect(state.turns).toHaveLength(1);
  return state.turns[0]!;
}

const sent = (key = "t1", sessionId: string | null = "s1", text = "hello"): ChatTurnEvent => ({
  type: "sent",
  turn: newTurn(key, sessionId, text, AT),
});
const started = (key = "t1"): ChatTurnEvent => ({
  type: "started",
  key,
  userId: `u-${key}`,
  assistantId: `a-${key}`,
  createdAt: STORED_AT,
});

function message(id: string, role: Message["role"], status: Message["status"], content = id): Message {
  return {
    id,
    session_id: "s1",
    role,
    kind: null,
    author_name: null,
    content,
    status,
    sources: [],
    feedback: null,
    attachments: [],
    created_at: AT,
  };
}

describe("chat turn reducer", () => {
  it("starts empty", () => {
    expect(initialChatTurnState).toEqual({ turns: [], announcement: "" });
  });

  it("a sent message is a sending turn with nothing stored yet", () => {
    const turn = only(reduce([sent()]));
    expect(turn).toEqual({
      key: "t1",
      sessionId: "s1",
      text: "hello",
      attachments: [],
      createdAt: AT,
      userId: null,
      assistantId: null,
      reply: "",
      sources: [],
      phase: "sending",
      error: null,
      attempt: 0,
      retryOf: null,
    });
  });

  it("sent turns are kept in order", () => {
    const state = reduce([sent("a"), sent("b"), sent("c")]);
    expect(state.turns.map((t) => t.key)).toEqual(["a", "b", "c"]);
  });

  it("streams: started takes the stored ids and time, deltas append, done keeps the final text", () => {
    let state = reduce([sent(), started()]);
    expect(only(state)).toMatchObject({
      phase: "streaming",
      userId: "u-t1",
      assistantId: "a-t1",
      createdAt: STORED_AT,
    });
    state = reduce(
      [
        { type: "delta", key: "t1", text: "The " },
        { type: "delta", key: "t1", text: "answer" },
      ],
      state,
    );
    expect(only(state).reply).toBe("The answer");
    expect(state.announcement).toBe("");
    const sources = [{ title: "Article › Section", url: "/help/article#section", score: 0.9 }];
    state = chatTurnReducer(state, {
      type: "done",
      key: "t1",
      content: "The answer.",
      status: "complete",
      sources,
    });
    expect(only(state)).toMatchObject({ phase: "done", reply: "The answer.", sources });
    expect(state.announcement).toBe("New reply: The answer.");
    // The reply's sources show under it until the server's copy (with the same sources) takes over.
    expect(mergeChatItems([], state.turns).at(-1)).toMatchObject({ role: "assistant", sources });
  });

  it("a done reply stored as stopped is stopped", () => {
    const state = reduce([
      sent(),
      started(),
      { type: "done", key: "t1", content: "Part", status: "stopped" },
    ]);
    expect(only(state)).toMatchObject({ phase: "stopped", reply: "Part" });
  });

  it("announces at most 400 characters of a reply", () => {
    const long = "x".repeat(1000);
    const state = reduce([sent(), started(), { type: "done", key: "t1", content: long, status: "complete" }]);
    expect(state.announcement).toBe(`New reply: ${"x".repeat(400)}`);
  });

  it("a failed reply keeps its partial text and the reason, and is announced", () => {
    const state = reduce([
      sent(),
      started(),
      { type: "delta", key: "t1", text: "Par" },
      { type: "failed", key: "t1", content: "Partial", message: "The assistant is unavailable." },
    ]);
    expect(only(state)).toMatchObject({
      phase: "failed",
      reply: "Partial",
      error: "The assistant is unavailable.",
    });
    expect(state.announcement).toBe("The reply failed. The assistant is unavailable.");
  });

  it("stopped and interrupted keep what was streamed", () => {
    const streaming = reduce([sent(), started(), { type: "delta", key: "t1", text: "so far" }]);
    expect(only(chatTurnReducer(streaming, { type: "stopped", key: "t1" }))).toMatchObject({
      phase: "stopped",
      reply: "so far",
    });
    expect(only(chatTurnReducer(streaming, { type: "interrupted", key: "t1" }))).toMatchObject({
      phase: "interrupted",
      reply: "so far",
    });
  });

  it("a transient failure waits, counting the attempts; the next request sends again", () => {
    let state = reduce([sent(), { type: "waiting", key: "t1" }]);
    expect(only(state)).toMatchObject({ phase: "waiting", attempt: 1 });
    state = reduce(
      [
        { type: "sending", key: "t1" },
        { type: "waiting", key: "t1" },
      ],
      state,
    );
    expect(only(state)).toMatchObject({ phase: "waiting", attempt: 2 });
    state = reduce([{ type: "sending", key: "t1" }, started()], state);
    expect(only(state)).toMatchObject({ phase: "streaming", attempt: 2 });
  });

  it("a rejected message shows why; resent clears it and starts the back-off over", () => {
    let state = reduce([
      sent(),
      { type: "waiting", key: "t1" },
      { type: "sending", key: "t1" },
      { type: "rejected", key: "t1", error: "Too long." },
    ]);
    expect(only(state)).toMatchObject({ phase: "rejected", error: "Too long.", attempt: 1 });
    state = chatTurnReducer(state, { type: "resent", key: "t1" });
    expect(only(state)).toMatchObject({ phase: "sending", error: null, attempt: 0, text: "hello" });
  });

  it("a new request clears an earlier error", () => {
    const state = reduce([
      sent(),
      { type: "rejected", key: "t1", error: "No." },
      { type: "sending", key: "t1" },
    ]);
    expect(only(state)).toMatchObject({ phase: "sending", error: null });
  });

  it("withdrawn removes only that turn", () => {
    const state = reduce([sent("a"), sent("b"), { type: "withdrawn", key: "a" }]);
    expect(state.turns.map((t) => t.key)).toEqual(["b"]);
  });

  it("a turn sent with no conversation takes the one created for it", () => {
    const state = reduce([sent("t1", null), { type: "sessionCreated", key: "t1", sessionId: "s9" }]);
    expect(only(state).sessionId).toBe("s9");
  });

  it("a regenerated reply replaces the earlier attempt of the same reply", () => {
    const first = reduce([
      sent(),
      started(),
      { type: "failed", key: "t1", content: "", message: "Oops" },
      sent("t2"),
    ]);
    const state = chatTurnReducer(first, { type: "retried", turn: regenerationTurn("r1", "s1", "a-t1", AT) });
    expect(state.turns.map((t) => t.key)).toEqual(["t2", "r1"]);
    expect(state.turns[1]).toMatchObject({
      phase: "sending",
      text: "",
      assistantId: "a-t1",
      retryOf: "a-t1",
      userId: null,
    });
  });

  it("events for an unknown turn change nothing", () => {
    const state = reduce([sent()]);
    const events: ChatTurnEvent[] = [
      { type: "delta", key: "nope", text: "x" },
      { type: "stopped", key: "nope" },
      { type: "waiting", key: "nope" },
      { type: "withdrawn", key: "nope" },
    ];
    for (const event of events) expect(chatTurnReducer(state, event).turns).toEqual(state.turns);
  });

  it("events change only their own turn, and never the state they were given", () => {
    const before = reduce([sent("a"), sent("b")]);
    const snapshot = structuredClone(before);
    const after = reduce([started("b"), { type: "delta", key: "b", text: "hi" }], before);
    expect(before).toEqual(snapshot);
    expect(after.turns[0]).toBe(before.turns[0]);
    expect(after.turns[1]).toMatchObject({ phase: "streaming", reply: "hi" });
  });
});

describe("stream events", () => {
  it("map to turn events", () => {
    expect(
      fromStreamEvent("k", {
        type: "start",
        user_message: { id: "u", created_at: STORED_AT },
        assistant_message: { id: "a" },
      }),
    ).toEqual({ type: "started", key: "k", userId: "u", assistantId: "a", createdAt: STORED_AT });
    expect(fromStreamEvent("k", { type: "delta", text: "x" })).toEqual({
      type: "delta",
      key: "k",
      text: "x",
    });
    expect(
      fromStreamEvent("k", { type: "done", assistant_message: { content: "all", status: "stopped" } }),
    ).toEqual({ type: "done", key: "k", content: "all", status: "stopped", sources: [] });
    const sources = [{ title: "Article › Section", url: "/help/article#section", score: 0.9 }];
    expect(
      fromStreamEvent("k", {
        type: "done",
        assistant_message: { content: "all", status: "complete", sources },
      }),
    ).toEqual({ type: "done", key: "k", content: "all", status: "complete", sources });
    expect(
      fromStreamEvent("k", { type: "error", message: "Failed.", assistant_message: { content: "part" } }),
    ).toEqual({ type: "failed", key: "k", content: "part", message: "Failed." });
  });
});

describe("a request that ended without a reply", () => {
  const outcome = { aborted: false, started: false, transient: false, message: "Refused." };

  it("aborted before the server took it: withdrawn (the text goes back)", () => {
    expect(endedWithoutReply("k", { ...outcome, aborted: true, transient: true })).toEqual({
      type: "withdrawn",
      key: "k",
    });
  });

  it("aborted after it started: stopped", () => {
    expect(endedWithoutReply("k", { ...outcome, aborted: true, started: true })).toEqual({
      type: "stopped",
      key: "k",
    });
  });

  it("cut off mid-reply: interrupted, whatever the error", () => {
    expect(endedWithoutReply("k", { ...outcome, started: true, transient: true })).toEqual({
      type: "interrupted",
      key: "k",
    });
    expect(endedWithoutReply("k", { ...outcome, started: true })).toEqual({ type: "interrupted", key: "k" });
  });

  it("before the server had it: transient waits, anything else is rejected with the server's words", () => {
    expect(endedWithoutReply("k", { ...outcome, transient: true })).toEqual({ type: "waiting", key: "k" });
    expect(endedWithoutReply("k", outcome)).toEqual({ type: "rejected", key: "k", error: "Refused." });
  });
});

describe("derived from the turns", () => {
  it("turnsOf, isBusy and isWaiting look at one conversation / all of them", () => {
    const state = reduce([
      sent("a", "s1"),
      sent("b", "s2"),
      started("b"),
      { type: "done", key: "b", content: "ok", status: "complete" },
      sent("c", null),
    ]);
    expect(turnsOf(state, "s1").map((t) => t.key)).toEqual(["a"]);
    expect(turnsOf(state, null).map((t) => t.key)).toEqual(["c"]);
    expect(isBusy(state, "s1")).toBe(true);
    expect(isBusy(state, "s2")).toBe(false);
    expect(isBusy(state, "s3")).toBe(false);
    expect(isWaiting(state)).toBe(false);
    expect(isWaiting(chatTurnReducer(state, { type: "waiting", key: "a" }))).toBe(true);
  });

  it("busy while sending, waiting or streaming; not once it has ended", () => {
    const busyAfter = (events: ChatTurnEvent[]) => isBusy(reduce([sent(), ...events]), "s1");
    expect(busyAfter([])).toBe(true);
    expect(busyAfter([{ type: "waiting", key: "t1" }])).toBe(true);
    expect(busyAfter([started()])).toBe(true);
    expect(busyAfter([started(), { type: "done", key: "t1", content: "", status: "complete" }])).toBe(false);
    expect(busyAfter([started(), { type: "failed", key: "t1", content: "", message: "" }])).toBe(false);
    expect(busyAfter([started(), { type: "stopped", key: "t1" }])).toBe(false);
    expect(busyAfter([started(), { type: "interrupted", key: "t1" }])).toBe(false);
    expect(busyAfter([{ type: "rejected", key: "t1", error: "" }])).toBe(false);
  });

  it("retry: a rejected message is resent, a failed or stopped reply regenerated, anything else nothing", () => {
    const state = reduce([sent("a"), { type: "rejected", key: "a", error: "No." }, sent("b")]);
    expect(retryActionFor(state, { turnKey: "a", retryReplyId: null })).toEqual({
      type: "resend",
      turn: state.turns[0],
    });
    expect(retryActionFor(state, { turnKey: null, retryReplyId: "m1" })).toEqual({
      type: "regenerate",
      replyId: "m1",
    });
    expect(retryActionFor(state, { turnKey: "b", retryReplyId: null })).toBeNull();
    expect(retryActionFor(state, { turnKey: null, retryReplyId: null })).toBeNull();
  });
});

describe("chat items", () => {
  it("server messages: a failed or stopped reply after a question can be retried", () => {
    const items = mergeChatItems(
      [
        message("q1", "user", "complete"),
        message("r1", "assistant", "failed"),
        message("q2", "user", "complete"),
        message("r2", "assistant", "stopped"),
        message("q3", "user", "complete"),
        message("r3", "assistant", "complete"),
        message("r4", "assistant", "failed"),
      ],
      [],
    );
    expect(items.map((i) => [i.key, i.state, i.retryReplyId])).toEqual([
      ["q1", "complete", null],
      ["r1", "failed", "r1"],
      ["q2", "complete", null],
      ["r2", "stopped", "r2"],
      ["q3", "complete", null],
      ["r3", "complete", null],
      // Not after a question: nothing to regenerate it from.
      ["r4", "failed", null],
    ]);
  });

  it("a sending turn shows the question and a reply being written", () => {
    const items = mergeChatItems([], reduce([sent()]).turns);
    expect(items).toEqual([
      {
        key: "t1:user",
        role: "user",
        content: "hello",
        attachments: [],
        sources: [],
        createdAt: AT,
        state: "sending",
        retryText: null,
        retryReplyId: null,
        turnKey: "t1",
        error: null,
        ratedId: null,
        feedback: null,
      },
      {
        key: "t1:assistant",
        role: "assistant",
        content: "",
        attachments: [],
        sources: [],
        createdAt: AT,
        state: "streaming",
        retryText: null,
        retryReplyId: null,
        turnKey: "t1",
        error: null,
        ratedId: null,
        feedback: null,
      },
    ]);
  });

  it("a message sent with files shows them before the server has it, and the server's copy after", () => {
    const file = {
      id: "f1",
      name: "shot.png",
      content_type: "image/png",
      size: 68,
      url: "/api/chats/sessions/s1/attachments/f1/",
    };
    const turn = newTurn("t1", "s1", "shot.png", AT, [file]);
    expect(mergeChatItems([], reduce([{ type: "sent", turn }]).turns)[0]?.attachments).toEqual([file]);
    const stored = { ...message("u1", "user", "complete", "shot.png"), attachments: [file] };
    expect(mergeChatItems([stored], [])[0]?.attachments).toEqual([file]);
  });

  it("a finished reply can be rated and carries the visitor's feedback; others cannot", () => {
    const server: Message[] = [
      message("u1", "user", "complete"),
      { ...message("a1", "assistant", "complete"), feedback: "down" },
      message("u2", "user", "complete"),
      message("a2", "assistant", "failed"),
      message("u3", "user", "complete"),
      message("a3", "assistant", "stopped"),
    ];
    const items = mergeChatItems(server, []);
    expect(items.map((item) => [item.key, item.ratedId, item.feedback])).toEqual([
      ["u1", null, null],
      ["a1", "a1", "down"],
      ["u2", null, null],
      ["a2", null, null],
      ["u3", null, null],
      ["a3", "a3", null],
    ]);
  });

  it("waiting and rejected turns show only the question; rejected offers to send it again", () => {
    const waiting = mergeChatItems([], reduce([sent(), { type: "waiting", key: "t1" }]).turns);
    expect(waiting.map((i) => [i.role, i.state])).toEqual([["user", "waiting"]]);
    const rejected = mergeChatItems(
      [],
      reduce([sent(), { type: "rejected", key: "t1", error: "No." }]).turns,
    );
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ state: "rejected", retryText: "hello", error: "No." });
  });

  it("streaming text wins over the server's copy; once done the server's copy is the truth", () => {
    const server = [
      message("u-t1", "user", "complete", "hello"),
      message("a-t1", "assistant", "streaming", ""),
    ];
    const streaming = reduce([sent(), started(), { type: "delta", key: "t1", text: "live" }]);
    expect(mergeChatItems(server, streaming.turns).map((i) => [i.key, i.content, i.state])).toEqual([
      ["u-t1", "hello", "complete"],
      ["a-t1", "live", "streaming"],
    ]);
    const done = chatTurnReducer(streaming, {
      type: "done",
      key: "t1",
      content: "live!",
      status: "complete",
    });
    const stored = [server[0]!, message("a-t1", "assistant", "complete", "stored")];
    expect(mergeChatItems(stored, done.turns).map((i) => i.content)).toEqual(["hello", "stored"]);
    const interrupted = chatTurnReducer(streaming, { type: "interrupted", key: "t1" });
    expect(mergeChatItems(server, interrupted.turns).map((i) => i.content)).toEqual(["hello", ""]);
  });

  it("before the server lists them, a finished turn shows its own question and reply", () => {
    const done = reduce([sent(), started(), { type: "done", key: "t1", content: "ok", status: "complete" }]);
    expect(mergeChatItems([], done.turns).map((i) => [i.key, i.state, i.content])).toEqual([
      ["u-t1", "complete", "hello"],
      ["a-t1", "complete", "ok"],
    ]);
  });

  it("a failed or stopped turn keeps its own text over the server's and offers retry", () => {
    const server = [
      message("u-t1", "user", "complete", "hello"),
      message("a-t1", "assistant", "streaming", ""),
    ];
    const failed = reduce([
      sent(),
      started(),
      { type: "failed", key: "t1", content: "part", message: "Oops" },
    ]);
    expect(mergeChatItems(server, failed.turns)[1]).toMatchObject({
      key: "a-t1",
      state: "failed",
      content: "part",
      retryReplyId: "a-t1",
      error: "Oops",
      turnKey: "t1",
    });
    const stopped = reduce([sent(), started(), { type: "done", key: "t1", content: "p", status: "stopped" }]);
    expect(mergeChatItems(server, stopped.turns)[1]).toMatchObject({
      state: "stopped",
      retryReplyId: "a-t1",
    });
  });

  it("a reply being regenerated shows in place of the failed one", () => {
    const server = [message("q", "user", "complete"), message("r", "assistant", "failed", "broken")];
    const state = reduce([
      { type: "retried", turn: regenerationTurn("k", "s1", "r", AT) },
      { type: "started", key: "k", userId: "q", assistantId: "r", createdAt: AT },
    ]);
    const items = mergeChatItems(server, state.turns);
    expect(items.map((i) => [i.key, i.role, i.state, i.content])).toEqual([
      ["q", "user", "complete", "q"],
      ["r", "assistant", "streaming", ""],
    ]);
  });
});
