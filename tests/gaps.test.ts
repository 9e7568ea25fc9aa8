import { beforeAll, describe, expect, it } from "vitest";
import { GAP_SIMILARITY, gapTerms, groupGaps, listGaps } from "~/server/admin/gaps/gaps.service";
import type { ChatDeps } from "~/server/chat/deps";
import { describeEachDatabase } from "./helpers/databases";
import { ScriptedResponder } from "../testing/responders";
import { testDeps } from "./helpers/deps";

const signal = (question: string, at: string, session_id = "s1", reason = "no_answer" as const) => ({
  question,
  reason,
  message_id: `m-${question}-${at}`,
  session_id,
  at: new Date(at),
  comment: null,
});

describe("grouping gap questions by similar wording", () => {
  it("normalises wording: case, stop words and word forms do not matter", () => {
    expect(gapTerms("How do I cancel my subscription?")).toEqual(gapTerms("CANCELS the Subscriptions!"));
    expect(gapTerms("What are your opening hours?")).not.toEqual([]);
  });

  it("puts questions sharing most topic terms together, with counts, sessions and last seen", () => {
    const groups = groupGaps([
      signal("How do I cancel my subscription?", "2026-01-01T10:00:00Z", "s1"),
      signal("cancel subscription", "2026-01-02T10:00:00Z", "s2"),
      signal("Can I cancel the subscription online?", "2026-01-03T10:00:00Z", "s2"),
      signal("What are your opening hours?", "2026-01-04T10:00:00Z", "s3"),
      signal("hours you are open", "2026-01-01T09:00:00Z", "s4"),
      signal("Do you ship to Canada?", "2026-01-01T08:00:00Z", "s5"),
    ]);
    expect(GAP_SIMILARITY).toBe(0.5);
    expect(groups.map((group) => [group.question, group.count, group.sessions])).toEqual([
      // Most frequent first; the group's question is its most recent one.
      ["Can I cancel the subscription online?", 3, 2],
      ["What are your opening hours?", 2, 2],
      ["Do you ship to Canada?", 1, 1],
    ]);
    expect(groups[0]!.last_seen_at).toBe("2026-01-03T10:00:00.000Z");
    expect(groups[0]!.examples.map((example) => example.session_id)).toEqual(["s2", "s2", "s1"]);
  });

  it("groups questions without topic terms only with the same text", () => {
    const groups = groupGaps([
      signal("???", "2026-01-01T10:00:00Z"),
      signal(" ??? ", "2026-01-02T10:00:00Z"),
      signal("and the", "2026-01-03T10:00:00Z"),
    ]);
    expect(groups.map((group) => group.count)).toEqual([2, 1]);
  });
});

describeEachDatabase("knowledge gaps from stored conversations", (database) => {
  let deps: ChatDeps;
  const now = new Date("2026-03-30T12:00:00Z");

  beforeAll(() => {
    deps = testDeps(database(), { responder: new ScriptedResponder([]) });
  });

  /** A question and its reply, stored as the chat stores them (reply 1 ms after the question). */
  async function turn(
    sessionId: string,
    question: string,
    at: string,
    answerKind: "answered" | "no_answer" | "small_talk" | null,
  ) {
    const asked = new Date(at);
    await database().db.message.create({
      data: { session_id: sessionId, role: "user", content: question, created_at: asked },
    });
    return database().db.message.create({
      data: {
        session_id: sessionId,
        role: "assistant",
        content: "reply",
        answer_kind: answerKind,
        created_at: new Date(asked.getTime() + 1),
      },
    });
  }

  it("lists unanswered and rated-down questions of the window, grouped, never answered or small talk", async () => {
    const visitor = await database().db.visitor.create({ data: { metadata: {} } });
    const [a, b, c] = await Promise.all(
      [0, 1, 2].map(() => database().db.session.create({ data: { visitor_id: visitor.id } })),
    );
    await turn(a!.id, "How do I cancel my subscription?", "2026-03-29T10:00:00Z", "no_answer");
    await turn(b!.id, "cancel subscription please", "2026-03-30T09:00:00Z", "no_answer");
    const rated = await turn(c!.id, "How do I embed the widget?", "2026-03-28T10:00:00Z", "answered");
    await database().db.messageFeedback.create({
      data: {
        message_id: rated.id,
        session_id: c!.id,
        visitor_id: visitor.id,
        rating: "down",
        comment: "It did not work in WordPress",
        updated_at: new Date("2026-03-28T11:00:00Z"),
      },
    });
    const liked = await turn(c!.id, "Where is my data stored?", "2026-03-28T12:00:00Z", "answered");
    await database().db.messageFeedback.create({
      data: { message_id: liked.id, session_id: c!.id, visitor_id: visitor.id, rating: "up" },
    });
    await turn(c!.id, "hello", "2026-03-28T13:00:00Z", "small_talk");
    await turn(c!.id, "What is the API rate limit?", "2026-03-28T14:00:00Z", "answered");
    await turn(a!.id, "Do you ship to Canada?", "2026-02-01T10:00:00Z", "no_answer"); // outside 30 days

    const gaps = await listGaps(deps, { days: 30 }, now);
    expect(gaps.signals).toBe(3);
    expect(gaps.truncated).toBe(false);
    expect(
      gaps.groups.map((group) => ({
        question: group.question,
        count: group.count,
        reasons: group.reasons,
        sessions: group.examples.map((example) => example.session_id),
      })),
    ).toEqual([
      {
        question: "cancel subscription please",
        count: 2,
        reasons: { no_answer: 2, thumbs_down: 0, handoff: 0 },
        sessions: [b!.id, a!.id],
      },
      {
        question: "How do I embed the widget?",
        count: 1,
        reasons: { no_answer: 0, thumbs_down: 1, handoff: 0 },
        sessions: [c!.id],
      },
    ]);
    expect(gaps.groups[0]!.last_seen_at).toBe("2026-03-30T09:00:00.001Z");
    expect(gaps.groups[1]!.examples[0]).toMatchObject({
      reason: "thumbs_down",
      comment: "It did not work in WordPress",
      message_id: rated.id,
    });

    const wider = await listGaps(deps, { days: 90 }, now);
    expect(wider.groups.map((group) => group.question)).toContain("Do you ship to Canada?");
  });

  it("lists the questions that led to a handoff: waiting, and claimed by an agent", async () => {
    const visitor = await database().db.visitor.create({ data: { metadata: {} } });
    const waiting = await database().db.session.create({ data: { visitor_id: visitor.id } });
    const claimed = await database().db.session.create({ data: { visitor_id: visitor.id } });
    const first = await turn(
      waiting.id,
      "I want to speak to a manager about my invoice",
      "2026-03-30T10:00:00Z",
      "answered",
    );
    await database().db.session.update({
      where: { id: waiting.id },
      data: { mode: "waiting", handoff_requested_at: new Date("2026-03-30T10:00:05Z") },
    });
    const second = await turn(
      claimed.id,
      "speak to a manager about an invoice",
      "2026-03-30T11:00:00Z",
      "answered",
    );
    await database().db.session.update({
      where: { id: claimed.id },
      data: { mode: "agent", agent_id: "a", agent_name: "Ada" },
    });
    await database().db.message.create({
      data: {
        session_id: claimed.id,
        role: "agent",
        author_name: "Ada",
        content: "Hi, Ada here",
        created_at: new Date("2026-03-30T11:00:09Z"),
      },
    });

    const gaps = await listGaps(deps, { days: 1 }, now);
    const group = gaps.groups.find((candidate) => candidate.reasons.handoff > 0);
    expect(group).toMatchObject({ count: 2, reasons: { no_answer: 0, thumbs_down: 0, handoff: 2 } });
    expect(group!.examples.map((example) => example.message_id).sort()).toEqual([first.id, second.id].sort());
  });
});
