/** Saved replies (the inbox's `/` menu): their limits and the placeholders filled in when one is used. */

/** Characters in a saved reply's shortcut: letters, digits, `-` and `_`. */
export const SAVED_REPLY_SHORTCUT_MAX_CHARS = 40;
export const SAVED_REPLY_SHORTCUT_PATTERN = /^[\p{L}\p{N}_-]+$/u;

/** `{{visitor.name}}` and `{{agent.name}}` (spaces inside the braces allowed) filled in; unknown ones kept. */
export function fillSavedReply(content: string, values: { visitorName: string; agentName: string }): string {
  return content.replace(/\{\{\s*(visitor|agent)\.name\s*\}\}/g, (_, who: string) =>
    who === "visitor" ? values.visitorName : values.agentName,
  );
}
