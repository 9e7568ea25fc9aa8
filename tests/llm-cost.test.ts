/**
 * LLM cost control (issue 15): each reply's token usage stored from the API's `usage`, the daily budget that
 * hands replies to the knowledge base once spent, the prompt bound (LLM_MAX_PROMPT_TOKENS), and the dashboard's
 * tokens per day and cost estimate — on both databases, against the local OpenAI-compatible fake.
 */
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDashboard } from "~/server/admin/dashboard/dashboard.service";
import type { ChatDeps } from "~/server/chat/deps";
import { chat } from "~/server/chat/messages/messages.service";
import { tokensUsedSince, utcDayStart } from "~/server/chat/messages/token-usage";
import { BudgetedResponder } from "~/server/chat/responder/budget";
import { KnowledgeBase, KnowledgeBaseResponder, loadKnowledge } from "~/server/chat/responder/knowledge-base";
import type { KnowledgePassage } from "~/server/chat/responder/knowledge-base";
import { buildPrompt, estimateTokens, LlmResponder, type LlmSettings } from "~/server/chat/responder/llm";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { startFakeLlm, type FakeLlm } from "../testing/fake-llm";
import type { DashboardDto } from "~/server/admin/dashboard/dashboard.schema";
import { ensureTestAdmin, sessionCookieOf, TEST_ADMIN } from "../testing/admin";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { describeEachDatabase } from "./helpers/databases";
import { describeEachServer } from "./helpers/server";
import { testDeps } from "./helpers/deps";

/** The fake LLM the HTTP servers below talk to (started before them: their env is read at start). */
let httpFake: FakeLlm;
beforeAll(async () => {
  httpFake = await startFakeLlm();
});
afterAll(() => httpFake.close());

const knowledge = new KnowledgeBase(loadKnowledge(path.resolve("content/knowledge")));

function settings(fake: FakeLlm, overrides: Partial<LlmSettings> = {}): LlmSettings {
  return {
    baseUrl: fake.baseUrl,
    model: "test-model",
    systemPrompt: "You are the test assistant.",
    timeoutMs: 2_000,
    maxRetries: 0,
    historyMaxMessages: 20,
    historyMaxChars: 12_000,
    queryRewrite: "language",
    groundingPassages: 3,
    ...overrides,
  };
}

describe("LLM_MAX_PROMPT_TOKENS (about 4 characters a token)", () => {
  const passage = (id: string, size: number): KnowledgePassage => ({
    id,
    article_slug: id,
    article: `Article ${id}`,
    section: "Section",
    headings: ["Section"],
    summary: "",
    text: "p".repeat(size),
  });
  const history = [
    { role: "user" as const, content: "oldest ".repeat(100) },
    { role: "assistant" as const, content: "older ".repeat(100) },
    { role: "user" as const, content: "recent ".repeat(20) },
  ];
  const base = { systemPrompt: "System.", historyMaxMessages: 20, historyMaxChars: 100_000 };
  const tokensOf = (prompt: ReturnType<typeof buildPrompt>) =>
    estimateTokens(prompt.system) +
    prompt.messages.reduce((sum, message) => sum + estimateTokens(String(message.content)), 0);

  it("estimates ~4 characters a token", () => {
    expect(estimateTokens("abcd")).toBe(1);
    expect(estimateTokens("abcde")).toBe(2);
    expect(estimateTokens("")).toBe(0);
  });

  it("unbounded: everything is sent", () => {
    const prompt = buildPrompt(base, { history, message: "Question?" }, [
      passage("a", 400),
      passage("b", 400),
    ]);
    expect(prompt.messages).toHaveLength(4);
    expect(prompt.passages).toHaveLength(2);
  });

  it("drops the oldest history first, then the lowest-ranked passages, and always keeps the question", () => {
    const passages = [passage("a", 400), passage("b", 400)];
    const full = tokensOf(buildPrompt(base, { history, message: "Question?" }, passages));

    // Room for all but the oldest turn.
    const oneLess = buildPrompt(
      { ...base, maxPromptTokens: full - estimateTokens(history[0]!.content) },
      { history, message: "Question?" },
      passages,
    );
    expect(oneLess.messages.map((message) => message.content)).toEqual([
      history[1]!.content,
      history[2]!.content,
      "Question?",
    ]);
    expect(oneLess.passages).toHaveLength(2);
    expect(tokensOf(oneLess)).toBeLessThanOrEqual(full - estimateTokens(history[0]!.content));

    // Too small for any history and the second passage: the first passage and the question remain.
    const bound = tokensOf(buildPrompt(base, { history: [], message: "Question?" }, passages.slice(0, 1)));
    const tight = buildPrompt(
      { ...base, maxPromptTokens: bound },
      { history, message: "Question?" },
      passages,
    );
    expect(tight.messages).toEqual([{ role: "user", content: "Question?" }]);
    expect(tight.passages.map((kept) => kept.id)).toEqual(["a"]);
    expect(tokensOf(tight)).toBeLessThanOrEqual(bound);

    // Smaller than the question with the bare system prompt: still sent, with nothing else.
    const tiny = buildPrompt({ ...base, maxPromptTokens: 1 }, { history, message: "Question?" }, passages);
    expect(tiny.messages).toEqual([{ role: "user", content: "Question?" }]);
    expect(tiny.passages).toEqual([]);
  });
});

describeEachDatabase("LLM token usage, daily budget and dashboard", (database) => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    fake.requests.length = 0;
    fake.setDefault({
      kind: "stream",
      chunks: ["Hello", " from", " the", " model."],
      usage: { prompt: 120, completion: 30 },
    });
    await database().db.message.deleteMany();
  });

  async function conversation(responder: ChatDeps["responder"]) {
    const deps: ChatDeps = testDeps(database(), { responder });
    const visitor = await createVisitor(deps, {});
    const session = await createSession(deps, { visitor_id: visitor.id });
    return { deps, ids: { session_id: session.id, visitor_id: visitor.id } };
  }

  it("stores the prompt and completion tokens the API reported with the reply (none for the question)", async () => {
    const { deps, ids } = await conversation(new LlmResponder(settings(fake), knowledge));
    const result = await chat(deps, { ...ids, message: "How do I embed the widget on my website?" });
    expect(result.assistant_message!.content).toBe("Hello from the model.");
    expect(fake.requests[0]?.body.stream_options).toEqual({ include_usage: true });
    const rows = await database().db.message.findMany({
      where: { session_id: ids.session_id },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
    });
    expect(rows.map((row) => [row.role, row.prompt_tokens, row.completion_tokens])).toEqual([
      ["user", null, null],
      ["assistant", 120, 30],
    ]);
    expect(await tokensUsedSince(database().db, utcDayStart(new Date()))).toBe(150);
  });

  it("a reply whose upstream reports no usage stores null", async () => {
    const { deps, ids } = await conversation(new LlmResponder(settings(fake), knowledge));
    fake.setDefault({ kind: "stream", chunks: ["No usage here."], usage: null });
    await chat(deps, { ...ids, message: "Hello there" });
    const assistant = await database().db.message.findFirstOrThrow({
      where: { session_id: ids.session_id, role: "assistant" },
    });
    expect(assistant.content).toBe("No usage here.");
    expect([assistant.prompt_tokens, assistant.completion_tokens]).toEqual([null, null]);
  });

  it("past LLM_DAILY_TOKEN_BUDGET, replies come from the knowledge base; the dashboard says so and estimates cost", async () => {
    const db = database().db;
    const budgeted = new BudgetedResponder(
      new LlmResponder(settings(fake), knowledge),
      new KnowledgeBaseResponder(knowledge, { chunkDelayMs: 0 }),
      { dailyTokens: 200, usedToday: () => tokensUsedSince(db, utcDayStart(new Date())) },
    );
    const { deps, ids } = await conversation(budgeted);
    const question = "How do I embed the widget on my website?";

    // 0 and 150 tokens used: under 200, the model answers.
    expect((await chat(deps, { ...ids, message: question })).assistant_message!.content).toBe(
      "Hello from the model.",
    );
    expect((await chat(deps, { ...ids, message: question })).assistant_message!.content).toBe(
      "Hello from the model.",
    );
    expect(fake.requests).toHaveLength(2);
    // 300 used: the knowledge base answers, the model is not called, and no tokens are recorded.
    const fallback = await chat(deps, { ...ids, message: question });
    expect(fake.requests).toHaveLength(2);
    expect(fallback.assistant_message!.content).not.toBe("Hello from the model.");
    expect(fallback.assistant_message!.content).toMatch(/widget/i);
    expect(fallback.assistant_message!.sources.length).toBeGreaterThan(0);
    expect(await tokensUsedSince(db, utcDayStart(new Date()))).toBe(300);

    const dashboard = await getDashboard(deps, new Date(), {
      dailyTokenBudget: 200,
      pricePer1kInput: 0.5,
      pricePer1kOutput: 1.5,
    });
    expect(dashboard.llm_usage).toMatchObject({
      tokens_today: 300,
      daily_token_budget: 200,
      budget_exhausted: true,
    });
    expect(dashboard.llm_usage.days).toHaveLength(dashboard.days.length);
    // 240 prompt tokens at 0.5 per 1k + 60 completion tokens at 1.5 per 1k = 0.12 + 0.09.
    expect(dashboard.llm_usage.days.at(-1)).toEqual({
      date: dashboard.days.at(-1)!.date,
      prompt_tokens: 240,
      completion_tokens: 60,
      cost_estimate: 0.21,
    });

    // No prices, no budget: tokens still counted, no cost, nothing exhausted.
    const plain = await getDashboard(deps);
    expect(plain.llm_usage).toMatchObject({
      tokens_today: 300,
      daily_token_budget: null,
      budget_exhausted: false,
    });
    expect(plain.llm_usage.days.at(-1)?.cost_estimate).toBeNull();
    expect(plain.llm_usage.days[0]).toMatchObject({ prompt_tokens: 0, completion_tokens: 0 });
  });

  it("tokens of earlier days do not count against today's budget", async () => {
    const { deps, ids } = await conversation(new LlmResponder(settings(fake), knowledge));
    await chat(deps, { ...ids, message: "Hello" });
    const yesterday = new Date(utcDayStart(new Date()).getTime() - 60_000);
    await database().db.message.updateMany({ data: { created_at: yesterday } });
    expect(await tokensUsedSince(database().db, utcDayStart(new Date()))).toBe(0);
    const dashboard = await getDashboard(deps);
    expect(dashboard.llm_usage.days.at(-2)).toMatchObject({ prompt_tokens: 120, completion_tokens: 30 });
    expect(dashboard.llm_usage.tokens_today).toBe(0);
  });
});

describeEachServer(
  "LLM cost control over HTTP (npm start with LLM_DAILY_TOKEN_BUDGET and prices)",
  (target) => {
    it("the budget's fallback and the dashboard's notice, cost and tokens", async () => {
      httpFake.requests.length = 0;
      httpFake.setDefault({
        kind: "stream",
        chunks: ["From the model."],
        usage: { prompt: 80, completion: 40 },
      });
      const post = async <T>(path: string, body: unknown) =>
        (await (
          await fetch(`${target().baseUrl}${path}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
          })
        ).json()) as { data: T };
      const visitor = await post<{ id: string }>("/api/chats/visitors/", {});
      const session = await post<{ id: string }>("/api/chats/sessions/", { visitor_id: visitor.data.id });
      const ask = () =>
        post<{ assistant_message: { content: string } }>("/api/chats/messages/chat/", {
          visitor_id: visitor.data.id,
          session_id: session.data.id,
          message: "How do I embed the widget on my website?",
        });
      expect((await ask()).data.assistant_message!.content).toBe("From the model.");
      // 120 tokens used, the budget is 100: the knowledge base answers and the model is not asked.
      const fallback = await ask();
      expect(fallback.data.assistant_message!.content).toMatch(/widget/i);
      expect(fallback.data.assistant_message!.content).not.toBe("From the model.");
      expect(httpFake.requests).toHaveLength(1);

      const dashboard = (await (
        await fetch(`${target().baseUrl}/api/admin/dashboard/`, {
          headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}` },
        })
      ).json()) as { data: DashboardDto };
      expect(dashboard.data.llm_usage).toMatchObject({
        tokens_today: 120,
        daily_token_budget: 100,
        budget_exhausted: true,
        price_per_1k_input: 2,
        price_per_1k_output: 4,
      });
      // 80 prompt tokens at 2 per 1k + 40 completion tokens at 4 per 1k.
      expect(dashboard.data.llm_usage.days.at(-1)?.cost_estimate).toBe(0.32);

      await ensureTestAdmin({ db: target().database.db, dialect: target().database.dialect });
      const signIn = await fetch(`${target().baseUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: target().baseUrl },
        body: JSON.stringify(TEST_ADMIN),
      });
      expect(signIn.status).toBe(200);
      const page = (
        await (
          await fetch(`${target().baseUrl}/admin`, { headers: { cookie: sessionCookieOf(signIn) } })
        ).text()
      ).replaceAll("<!-- -->", "");
      expect(page).toContain('data-testid="llm-budget-exhausted"');
      expect(page).toMatch(/LLM token budget is spent/);
      expect(page).toMatch(/estimated cost today 0\.32/);
    });
  },
  {
    env: () => ({
      LLM_BASE_URL: httpFake.baseUrl,
      LLM_QUERY_REWRITE: "language",
      LLM_MODEL: "test-model",
      LLM_MAX_RETRIES: "0",
      LLM_DAILY_TOKEN_BUDGET: "100",
      LLM_PRICE_PER_1K_INPUT: "2",
      LLM_PRICE_PER_1K_OUTPUT: "4",
      LLM_MAX_PROMPT_TOKENS: "4000",
    }),
  },
);
