import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText, type ModelMessage } from "ai";
import { passageUrl, type KnowledgeBase, type KnowledgePassage } from "./knowledge-base";
import type { ChatTurn, Responder, ResponderInput } from "./responder";

/**
 * Replies with any OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, llama.cpp server,
 * LM Studio …) through the AI SDK, streaming tokens as they arrive. The prompt is grounded in the top
 * knowledge-base passages; the reply ends with links to them, added here (not left to the model) so the
 * sources are always real.
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
}

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
  if (passages.length === 0) return "No help article matches this question.";
  return passages
    .map((passage, index) => `[${index + 1}] ${passage.article} › ${passage.section}\n${passage.text}`)
    .join("\n\n");
}

function sourcesFooter(passages: KnowledgePassage[]): string {
  if (passages.length === 0) return "";
  const links = passages.map((passage) => `[${passage.section}](${passageUrl(passage)})`);
  return `\n\nSources: ${links.join(" · ")}`;
}

/**
 * What is sent upstream: the system prompt with the grounding passages (kept apart from the conversation, so
 * nothing a visitor types can pose as instructions), then the history window and the new question.
 */
function buildPrompt(
  settings: Pick<LlmSettings, "systemPrompt" | "historyMaxMessages" | "historyMaxChars">,
  input: Pick<ResponderInput, "history" | "message">,
  passages: KnowledgePassage[],
): { system: string; messages: ModelMessage[] } {
  const system =
    `${settings.systemPrompt}\n\n` +
    "Answer from these help-article passages when they are relevant; say so when they do not cover the " +
    "question. Do not invent links.\n\n" +
    groundingBlock(passages);
  const messages = [
    ...historyWindow(input.history, settings.historyMaxMessages, settings.historyMaxChars).map(
      (turn): ModelMessage => ({ role: turn.role, content: turn.content }),
    ),
    { role: "user" as const, content: input.message },
  ];
  return { system, messages };
}

export class LlmResponder implements Responder {
  readonly name = "llm";
  private readonly model;

  constructor(
    private readonly settings: LlmSettings,
    private readonly knowledge: KnowledgeBase,
  ) {
    const provider = createOpenAICompatible({
      name: "llm",
      baseURL: settings.baseUrl,
      ...(settings.apiKey && { apiKey: settings.apiKey }),
    });
    this.model = provider.chatModel(settings.model);
  }

  async *reply(input: ResponderInput): AsyncIterable<string> {
    const passages = this.knowledge.search(input.message, this.settings.groundingPassages);
    const idle = new IdleTimeout(this.settings.timeoutMs);
    const signal = AbortSignal.any([input.signal, idle.signal]);
    const result = streamText({
      model: this.model,
      ...buildPrompt(this.settings, input, passages),
      ...(this.settings.temperature !== undefined && { temperature: this.settings.temperature }),
      ...(this.settings.maxTokens !== undefined && { maxOutputTokens: this.settings.maxTokens }),
      maxRetries: this.settings.maxRetries,
      abortSignal: signal,
      // Errors arrive as `error` parts below; this only stops the SDK from logging them a second time.
      onError: () => {},
    });
    let produced = false;
    try {
      idle.start();
      for await (const part of result.fullStream) {
        idle.touch();
        if (part.type === "text-delta" && part.text !== "") {
          produced = true;
          yield part.text;
        } else if (part.type === "error") {
          throw part.error instanceof Error ? part.error : new LlmReplyError(String(part.error));
        } else if (part.type === "abort") {
          if (input.signal.aborted) return; // the visitor stopped it
          throw new LlmReplyError(`The model did not answer within ${this.settings.timeoutMs} ms.`);
        } else if (part.type === "finish") {
          if (part.finishReason === "error" || part.finishReason === "other") {
            throw new LlmReplyError(
              `The model's stream ended unexpectedly (${part.rawFinishReason ?? "no finish reason"}).`,
            );
          }
          if (!produced) throw new LlmReplyError("The model returned an empty reply.");
        }
      }
    } catch (error) {
      if (input.signal.aborted) return;
      if (idle.signal.aborted)
        throw new LlmReplyError(`The model did not answer within ${this.settings.timeoutMs} ms.`);
      throw error;
    } finally {
      idle.clear();
    }
    const footer = sourcesFooter(passages);
    if (footer) yield footer;
  }
}

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
