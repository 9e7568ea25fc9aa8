/**
 * Visitor-facing text of the widget that is not a server answer, in one place. (The widget may not import
 * the server's error table; tests/widget-strings.test.ts checks the texts that mirror it stay the same.)
 */
export const WIDGET_TEXT = {
  /** A reply that failed with nothing written: the same words as the server's REPLY_FAILED. */
  replyFailed: "The assistant could not reply. Your message was saved; try again in a moment.",
  feedbackQuestion: "Was this reply helpful?",
  helpful: "Helpful",
  notHelpful: "Not helpful",
  feedbackThanks: "Thanks for your feedback.",
  feedbackCommentLabel: "What was missing or wrong? (optional)",
  feedbackFailed: "Your feedback could not be saved. Please try again.",
  ratingQuestion: "How was this conversation?",
  ratingThanks: "Thanks for rating this conversation.",
  ratingFailed: "Your rating could not be saved. Please try again.",
  /** Outside office hours; `when` is e.g. "tomorrow at 9:00 AM". */
  away: (when: string | null) =>
    when
      ? `We're away right now. We're back ${when}; the assistant still answers meanwhile.`
      : "We're away right now; the assistant still answers meanwhile.",
  suggestedPrompts: "Suggested questions",
  copy: "Copy",
  copied: "Copied",
  copyMessage: "Copy message",
  copyCode: "Copy code",
  jumpToLatest: "Jump to latest",
  newConversation: "New conversation",
  today: "Today",
  yesterday: "Yesterday",
  earlier: "Earlier",
  you: "You",
  /** An agent message whose author has no name. */
  support: "Support",
} as const;
