import type { MessageSource } from "../messages/message.schema";

/**
 * Produces the assistant's reply. The knowledge-base responder is the embedded default; an LLM responder
 * implements the same interface. Implementations yield text deltas as soon as they have them and stop
 * promptly when `signal` aborts.
 */
export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
}

export interface ResponderInput {
  /** Earlier turns of the session, oldest first (the new message is not included). */
  history: ChatTurn[];
  /** The visitor's new message. */
  message: string;
  /**
   * The session's locale (the widget's language when the session was created), or null: built-in replies are in
   * the message's own language when it can be told, else in this one (fallback-replies.ts replyLanguage).
   */
  locale?: string | null;
  signal: AbortSignal;
}

/** One turn's reply: its text deltas, and the help-article passages it is grounded in. */
export interface ResponderReply {
  deltas: AsyncIterable<string>;
  /**
   * The sources of this reply (stored with the message, shown as links under it): final once `deltas` has
   * ended. Empty when the reply is not grounded in the help articles (small talk, "I couldn't find that").
   */
  sources(): MessageSource[];
  /**
   * How the reply answered, final once `deltas` has ended: `answered` from a confident passage, `no_answer`
   * when no passage reached the confidence threshold (a knowledge gap, listed on /admin/gaps), `small_talk`
   * for greetings, thanks and goodbyes. Stored with the message; a responder without it stores null.
   */
  answerKind?(): AnswerKind;
  /** The tokens the model reported for this reply (its API's `usage`), once `deltas` has ended; LLM only. */
  usage?(): TokenUsage | undefined;
  /** The responder that actually answered, when it differs from the one asked (the budget's fallback). */
  answeredBy?(): string;
  /**
   * The handoff seam: true when this reply asks to hand the conversation to a person (final once `deltas` has
   * ended). The chat then makes the same request as the visitor's "Talk to a person" (a session waiting for an
   * agent, or "nobody is available" with no agent online). Absent = never.
   */
  handoff?(): boolean;
}

export interface TokenUsage {
  prompt: number;
  completion: number;
}

export type AnswerKind = "answered" | "no_answer" | "small_talk";

export interface Responder {
  readonly name: string;
  reply(input: ResponderInput): ResponderReply;
}

/** When the LLM responder rewrites a question into search queries before retrieval (`LLM_QUERY_REWRITE`). */
export const QUERY_REWRITE_MODES = ["always", "language", "off"] as const;
export type QueryRewrite = (typeof QUERY_REWRITE_MODES)[number];
