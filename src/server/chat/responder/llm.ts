import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { jsonSchema, streamText, tool, type ModelMessage } from "ai";
import { metrics } from "../../observability/metrics";
import { withoutControlCharacters } from "../limits";
import { handoffText, NOT_FOUND_OFFER, NOT_FOUND_TEXT, replyLanguage } from "./fallback-replies";
import {
  isKnowledgeSource,
  passageSource,
  type KnowledgeBase,
  type KnowledgeHit,
  type KnowledgePassage,
  type KnowledgeSource,
} from "./knowledge-base";
import type {
  AnswerKind,
  QueryRewrite,
  ChatTurn,
  Responder,
  ResponderInput,
  ResponderReply,
  TokenUsage,
} from "./responder";
import { detectLanguage, smallTalk, type Language } from "./text-terms";

/** The start of the query-rewrite request's instruction (tests tell it from the answer's request by it). */
export const REWRITE_INSTRUCTION =
  "Rewrite the visitor's question as a short search query for a help center, in";
const LANGUAGE_NAMES: Record<Language, string> = {
  en: "English",
  de: "German",
  fr: "French",
  es: "Spanish",
  ar: "Arabic",
};

/**
 * Replies with any OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, llama.cpp server,
 * LM Studio …) through the AI SDK, streaming tokens as they arrive. The prompt is grounded in the top
 * knowledge-base passages that reach the confidence threshold, and only those passages are the reply's sources
 * (set here, not left to the model, so they are always real; the widget shows them as links under the reply).
 * With no passage above the threshold the model is told to say it does not know.
 */
export interface LlmSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  systemPrompt: string;
  temperature?: number;
  maxTokens?: number;
  /** No data from upstream for this long (including before the first token) fails the reply. */
  timeoutMs: number;
  /** Attempts after a failed request, before any token (the AI SDK retries 429/5xx with backoff). */
  maxRetries: number;
  historyMaxMessages: number;
  historyMaxChars: number;
  groundingPassages: number;
  /** Bound on the estimated tokens sent (system prompt, passages, history, question); unset → no bound. */
  maxPromptTokens?: number;
  /**
   * The query-rewrite step before retrieval (LLM_QUERY_REWRITE): `always` — every question that is not small
   * talk, with the recent conversation, so a follow-up ("and on Windows?") is searched for what it means;
   * `language` — only a question in another language than the articles; `off` — never.
   */
  queryRewrite: QueryRewrite;
}

/** The conversation given to the query-rewrite step: the latest turns before the question, within both bounds. */
const REWRITE_HISTORY_MESSAGES = 4;
const REWRITE_HISTORY_CHARS = 2_000;
/** At most this many search queries are taken from the rewrite (one per line), each at most 300 characters. */
const REWRITE_MAX_QUERIES = 3;

/** The token estimate used for LLM_MAX_PROMPT_TOKENS: about 4 characters a token (English text, GPT tokenizers). */
export const CHARS_PER_TOKEN = 4;
export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

class LlmReplyError extends Error {
  override readonly name = "LlmReplyError";
}

/** The most recent turns that fit both limits, oldest first; older turns are dropped first. */
export function historyWindow(history: ChatTurn[], maxMessages: number, maxChars: number): ChatTurn[] {
  const kept: ChatTurn[] = [];
  let chars = 0;
  for (const turn of [...history].reverse()) {
    if (kept.length >= maxMessages || chars + turn.content.length > maxChars) break;
    kept.unshift(turn);
    chars += turn.content.length;
  }
  return kept;
}

function groundingBlock(passages: KnowledgePassage[]): string {
  if (passages.length === 0)
    return (
      "No help article covers this message. If it is a greeting, thanks or goodbye, reply briefly and kindly. " +
      `Otherwise do not answer from general knowledge: say "${NOT_FOUND_TEXT}" and offer: "${NOT_FOUND_OFFER}"`
    );
  return passages
    .map((passage, index) => `[${index + 1}] ${passage.article} › ${passage.section}\n${passage.text}`)
    .join("\n\n");
}

/**
 * The help articles may be in another language than the visitor's: the reply follows the visitor. Sent with
 * every prompt, whatever the configured system prompt says.
 */
export const LANGUAGE_INSTRUCTION =
  "Reply in the language the visitor writes in (the language of their latest message), even when the " +
  "help-article passages are in another language: translate what you use from them.";

/**
 * What is sent upstream: the system prompt with the grounding passages (kept apart from the conversation, so
 * nothing a visitor types can pose as instructions), then the history window and the new question.
 */
export function buildPrompt(
  settings: Pick<LlmSettings, "systemPrompt" | "historyMaxMessages" | "historyMaxChars" | "maxPromptTokens">,
  input: Pick<ResponderInput, "history" | "message">,
  passages: KnowledgePassage[],
): { system: string; messages: ModelMessage[]; passages: KnowledgePassage[] } {
  const systemFor = (kept: KnowledgePassage[]) =>
    `${settings.systemPrompt}\n\n` +
    "Answer only from these help-article passages. If they do not answer the question, say that you don't " +
    `know ("${NOT_FOUND_TEXT}") and offer: "${NOT_FOUND_OFFER}" Do not invent facts or links, and do not ` +
    "list sources: they are shown under your reply.\n\n" +
    `${LANGUAGE_INSTRUCTION}\n\n` +
    groundingBlock(kept);
  let history = historyWindow(input.history, settings.historyMaxMessages, settings.historyMaxChars);
  let kept = passages;
  const max = settings.maxPromptTokens;
  if (max !== undefined) {
    const total = () =>
      estimateTokens(systemFor(kept)) +
      estimateTokens(input.message) +
      history.reduce((sum, turn) => sum + estimateTokens(turn.content), 0);
    // Over the bound: the oldest history goes first, then the lowest-ranked passages. The question stays.
    while (total() > max && history.length > 0) history = history.slice(1);
    while (total() > max && kept.length > 0) kept = kept.slice(0, -1);
  }
  const messages = [
    ...history.map((turn): ModelMessage => ({ role: turn.role, content: turn.content })),
    { role: "user" as const, content: input.message },
  ];
  return { system: systemFor(kept), messages, passages: kept };
}

export class LlmResponder implements Responder {
  readonly name = "llm";
  private readonly model;

  constructor(
    private readonly settings: LlmSettings,
    private readonly knowledge: KnowledgeBase | KnowledgeSource,
  ) {
    const provider = createOpenAICompatible({
      name: "llm",
      baseURL: settings.baseUrl,
      // stream_options.include_usage: the last chunk reports the tokens used (metrics, cost control).
      includeUsage: true,
      ...(settings.apiKey && { apiKey: settings.apiKey }),
    });
    this.model = provider.chatModel(settings.model);
  }

  reply(input: ResponderInput): ResponderReply {
    let sent: KnowledgeHit[] = [];
    const recorded: { usage?: TokenUsage } = {};
    let kind: AnswerKind = "no_answer";
    const turn = { handoff: false };
    const prepare = async () => {
      const base = isKnowledgeSource(this.knowledge) ? await this.knowledge.current() : this.knowledge;
      // The model may use several passages of the same page (the bounded passages of a long section).
      const options = { perPage: this.settings.groundingPassages };
      const limit = this.settings.groundingPassages;
      // The question is searched as the model rewrites it (in the articles' language, with what the
      // conversation says it refers to), then as it is written: the rewrite's passages come first.
      const rewrite = await this.searchQueries(input, base.language);
      if (rewrite.usage) recorded.usage = rewrite.usage;
      const found = [];
      for (const query of rewrite.queries) found.push(await base.find(query, limit, undefined, options));
      found.push(await base.find(input.message, limit, undefined, options));
      const seen = new Set<string>();
      const hits = interleave(found)
        .filter((hit) => !seen.has(hit.passage.id) && seen.add(hit.passage.id))
        .slice(0, limit);
      const prompt = buildPrompt(
        this.settings,
        input,
        hits.map((hit) => hit.passage),
      );
      // Only the passages that were sent are the reply's sources.
      sent = hits.filter((hit) => prompt.passages.includes(hit.passage));
      // Without a confident passage the model says it does not know, unless the message is small talk.
      kind = sent.length > 0 ? "answered" : smallTalk(input.message) ? "small_talk" : "no_answer";
      return prompt;
    };
    return {
      deltas: this.stream(input, prepare, recorded, turn),
      sources: () => sent.map(passageSource),
      usage: () => recorded.usage,
      answerKind: () => kind,
      handoff: () => turn.handoff,
    };
  }

  /**
   * The query-rewrite step (`queryRewrite`): the model turns the visitor's latest message, read with the recent
   * conversation, into up to three short search queries in the articles' language (one small request, no
   * tools; its tokens count towards the reply's usage and so the daily budget). Empty when not asked for, for
   * small talk, or when the model fails (the question is then searched as it is).
   */
  private async searchQueries(
    input: ResponderInput,
    articles: Language,
  ): Promise<{ queries: string[]; usage?: TokenUsage }> {
    const mode = this.settings.queryRewrite;
    if (mode === "off" || smallTalk(input.message)) return { queries: [] };
    const asked = detectLanguage(input.message);
    if (mode === "language" && (!asked || asked === articles)) return { queries: [] };
    const context =
      mode === "always" ? historyWindow(input.history, REWRITE_HISTORY_MESSAGES, REWRITE_HISTORY_CHARS) : [];
    try {
      const result = streamText({
        model: this.model,
        system:
          `${REWRITE_INSTRUCTION} ${LANGUAGE_NAMES[articles]}. ` +
          (context.length > 0 ? "Use the earlier messages only to tell what the last one refers to. " : "") +
          "Reply with the query only.",
        messages: [
          ...context.map((turn): ModelMessage => ({ role: turn.role, content: turn.content })),
          { role: "user", content: input.message },
        ],
        maxOutputTokens: 60,
        maxRetries: 0,
        abortSignal: AbortSignal.any([input.signal, AbortSignal.timeout(this.settings.timeoutMs)]),
        onError: () => {},
      });
      const queries = (await result.text)
        .split("\n")
        .map((line) =>
          line
            .replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "")
            .replace(/^"(.*)"$/, "$1")
            .trim(),
        )
        .filter((line) => line !== "")
        .slice(0, REWRITE_MAX_QUERIES)
        .map((line) => line.slice(0, 300));
      const usage = countTokens(await result.totalUsage);
      return { queries, ...(usage && { usage }) };
    } catch {
      return { queries: [] };
    }
  }

  private async *stream(
    input: ResponderInput,
    prepare: () => Promise<{ system: string; messages: ModelMessage[] }>,
    recorded: { usage?: TokenUsage },
    turn: { handoff: boolean },
  ): AsyncIterable<string> {
    const prompt = await prepare();
    const idle = new IdleTimeout(this.settings.timeoutMs);
    const signal = AbortSignal.any([input.signal, idle.signal]);
    const result = streamText({
      model: this.model,
      system: prompt.system,
      messages: prompt.messages,
      ...(this.settings.temperature !== undefined && { temperature: this.settings.temperature }),
      ...(this.settings.maxTokens !== undefined && { maxOutputTokens: this.settings.maxTokens }),
      maxRetries: this.settings.maxRetries,
      abortSignal: signal,
      tools: HANDOFF_TOOLS,
      // Errors arrive as `error` parts below; this only stops the SDK from logging them a second time.
      onError: () => {},
    });
    let produced = false;
    const started = performance.now();
    let outcome: "ok" | "error" | "aborted" = "error";
    try {
      idle.start();
      for await (const part of result.fullStream) {
        idle.touch();
        // The model's text is external: stored without control characters (src/server/chat/limits.ts).
        const text = part.type === "text-delta" ? withoutControlCharacters(part.text) : "";
        if (part.type === "text-delta" && text !== "") {
          if (!produced) metrics.llmFirstToken.observe((performance.now() - started) / 1000);
          produced = true;
          yield text;
        } else if (part.type === "tool-call" && part.toolName === HANDOFF_TOOL) {
          turn.handoff = true;
        } else if (part.type === "error") {
          throw part.error instanceof Error ? part.error : new LlmReplyError(String(part.error));
        } else if (part.type === "abort") {
          if (input.signal.aborted) {
            outcome = "aborted"; // the visitor stopped it
            return;
          }
          throw new LlmReplyError(`The model did not answer within ${this.settings.timeoutMs} ms.`);
        } else if (part.type === "finish") {
          // The rewrite step's tokens (already in `recorded`) and the answer's: one reply's usage.
          recorded.usage = sumUsage(recorded.usage, countTokens(part.totalUsage));
          if (part.finishReason === "error" || part.finishReason === "other") {
            throw new LlmReplyError(
              `The model's stream ended unexpectedly (${part.rawFinishReason ?? "no finish reason"}).`,
            );
          }
          if (!produced && turn.handoff) {
            produced = true;
            // The tool call without words: the built-in handoff line in the visitor's language.
            yield handoffText(replyLanguage(input.message, input.locale));
          }
          if (!produced) throw new LlmReplyError("The model returned an empty reply.");
          outcome = "ok";
        }
      }
      if (input.signal.aborted) outcome = "aborted";
    } catch (error) {
      if (input.signal.aborted) {
        outcome = "aborted";
        return;
      }
      if (idle.signal.aborted)
        throw new LlmReplyError(`The model did not answer within ${this.settings.timeoutMs} ms.`);
      throw error;
    } finally {
      idle.clear();
      metrics.llmDuration.observe({ outcome }, (performance.now() - started) / 1000);
    }
  }
}

function sumUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a || !b) return a ?? b;
  return { prompt: a.prompt + b.prompt, completion: a.completion + b.completion };
}

/** The lists' first items, then their second items, …: each query's best passages before any's second best. */
function interleave<T>(lists: T[][]): T[] {
  const merged: T[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let index = 0; index < longest; index++) {
    for (const list of lists) if (index < list.length) merged.push(list[index]!);
  }
  return merged;
}

/** Adds the usage an upstream reported (OpenAI's `usage`; absent fields count as nothing). */
function countTokens(
  usage: { inputTokens?: number; outputTokens?: number } | undefined,
): TokenUsage | undefined {
  if (usage?.inputTokens) metrics.llmTokens.inc({ kind: "prompt" }, usage.inputTokens);
  if (usage?.outputTokens) metrics.llmTokens.inc({ kind: "completion" }, usage.outputTokens);
  if (usage?.inputTokens === undefined && usage?.outputTokens === undefined) return undefined;
  return { prompt: usage.inputTokens ?? 0, completion: usage.outputTokens ?? 0 };
}

/**
 * The handoff tool: the model calls it when the visitor wants a person or needs one (the chat then asks the
 * agents, see ResponderReply.handoff). No `execute`: the call is noted and the turn ends.
 */
const HANDOFF_TOOL = "handoff_to_person";
const HANDOFF_TOOLS = {
  [HANDOFF_TOOL]: tool({
    description:
      "Hand the conversation to a person from the support team. Call it when the visitor asks for a person, or " +
      "when they need help the help articles cannot give (an account problem, a complaint).",
    inputSchema: jsonSchema<Record<string, never>>({ type: "object", properties: {} }),
  }),
};

/** Aborts when nothing has happened for `ms` since start() or the last touch(). */
class IdleTimeout {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): void {
    this.touch();
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new LlmReplyError("timeout")), this.ms);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
