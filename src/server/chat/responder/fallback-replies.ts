import type { SmallTalk } from "./text-terms";

/**
 * The replies given without sources: to small talk, and when the help articles do not cover a question.
 *
 * Handoff: the not-found reply offers a person (the widget's "Talk to a person" control does it); a visitor who
 * asks for one, or the LLM calling its handoff tool, hands the conversation over (ResponderReply.handoff).
 */
export const NOT_FOUND_TEXT = "I couldn't find that in our help articles.";
export const NOT_FOUND_OFFER = "Could you rephrase your question, or ask to talk to a person?";

/** The reply that hands the conversation to a person. */
export const HANDOFF_TEXT = "I'll ask a person from our team to join this chat.";

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
