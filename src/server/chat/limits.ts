import { z } from "zod";
import { errorMessage } from "../errors/app-error";
import { MESSAGE_MAX_CHARS, SESSION_TITLE_MAX_CHARS } from "~/shared/limits";

/** Limits on what visitors may send. Documented in README.md ("Limits"); enforced by the zod schemas. */
export const LIMITS = {
  /** Characters in one chat message, after trimming (shared with the browser: src/shared/limits.ts). */
  messageMaxChars: MESSAGE_MAX_CHARS,
  /** Characters in a session title, after trimming (shared with the browser: src/shared/limits.ts). */
  titleMaxChars: SESSION_TITLE_MAX_CHARS,
  /** Length of a title derived from the first message. */
  derivedTitleMaxChars: 80,
  /** UTF-8 bytes of a visitor's metadata, serialized as JSON. */
  metadataMaxBytes: 8 * 1024,
  /** Items in one page of a list. */
  pageMaxItems: 100,
  pageDefaultItems: 20,
  /** Messages in one page of an admin transcript (REST, tRPC and /admin/sessions/[id]). */
  transcriptPageMaxMessages: 500,
  transcriptPageDefaultMessages: 200,
  /** Earlier messages of the session handed to the responder as history. */
  historyMaxMessages: 50,
} as const;

/**
 * PostgreSQL cannot store U+0000 in text or jsonb (the insert fails), so text that visitors send is refused at
 * validation with a 400 instead, on both databases alike.
 */
export function hasNoNul(value: string): boolean {
  return !value.includes("\u0000");
}

/** hasNoNul for every key and string inside a JSON value. */
export function jsonHasNoNul(value: unknown): boolean {
  return everyJsonString(value, hasNoNul);
}

/**
 * A lone UTF-16 surrogate (`"\ud800"` in JSON) is not text: it has no UTF-8 form, so PostgreSQL refuses it and
 * the JSON written back would not be valid UTF-8. With the `u` flag the class matches only unpaired halves.
 */
export function hasNoLoneSurrogate(value: string): boolean {
  return !/[\uD800-\uDFFF]/u.test(value);
}

/** The one refinement for text that visitors and admins send: no lone surrogate in it (a 400, not a 500). */
export function wellFormedText(field: string) {
  return z.refine<string>(hasNoLoneSurrogate, { message: errorMessage("LONE_SURROGATE", { field }) });
}

/** wellFormedText for every key and string inside a JSON value (visitor metadata, nested). */
export function wellFormedJson(field: string) {
  return z.refine<Record<string, unknown>>((value) => everyJsonString(value, hasNoLoneSurrogate), {
    message: errorMessage("LONE_SURROGATE", { field }),
  });
}

function everyJsonString(value: unknown, test: (text: string) => boolean): boolean {
  if (typeof value === "string") return test(value);
  if (Array.isArray(value)) return value.every((item) => everyJsonString(item, test));
  if (value !== null && typeof value === "object")
    return Object.entries(value).every(([key, item]) => test(key) && everyJsonString(item, test));
  return true;
}
