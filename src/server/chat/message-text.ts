import { z } from "zod";
import { plainText, LIMITS, wellFormedText } from "./limits";

/**
 * The text of a chat message as any sender writes it (the visitor's chat input, an agent's reply): required,
 * trimmed, 1–messageMaxChars characters, no NUL, well-formed UTF-16. One rule, one set of error texts.
 */
export function messageTextSchema(meta: { description: string; example: string }) {
  return z
    .string({
      error: (issue) => (issue.input === undefined ? "message is required" : "message must be a string"),
    })
    .trim()
    .min(1, "message must not be empty")
    .max(LIMITS.messageMaxChars, `message must be at most ${LIMITS.messageMaxChars} characters`)
    .check(plainText("message"))
    .check(wellFormedText("message"))
    .meta(meta);
}
