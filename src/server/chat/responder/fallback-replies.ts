import type { SmallTalk } from "./text-terms";

/**
 * The replies given without sources: to small talk, and when the help articles do not cover a question.
 *
 * Handoff hook: there is no "talk to a person" feature yet, so the not-found reply only offers it as text.
 * When handoff exists, this is the place to offer it as an action (and the LLM system prompt in llm.ts, which
 * tells the model to offer the same, should follow).
 */
export const NOT_FOUND_TEXT = "I couldn't find that in our help articles.";
export const NOT_FOUND_OFFER = "Could you rephrase your question, or ask to talk to a person?";

export function notFoundReply(articles: string[]): string {
  const topics = articles.length > 0 ? `\n\nI can help with: ${articles.join(" · ")}.` : "";
  return `${NOT_FOUND_TEXT} ${NOT_FOUND_OFFER}${topics}`;
}

export function smallTalkReply(kind: SmallTalk): string {
  switch (kind) {
    case "greeting":
      return "Hello! Ask me anything about using this chat, embedding the widget, the REST API or your data.";
    case "thanks":
      return "You're welcome! Anything else I can help with?";
    case "goodbye":
      return "Goodbye, and thanks for stopping by!";
  }
}
