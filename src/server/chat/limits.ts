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
 * The one rule for control characters: C0 controls (U+0000–U+001F) and DEL (U+007F), except tab, line feed and
 * carriage return, are not text. PostgreSQL cannot store U+0000 in text or jsonb (the insert fails) and the others
 * only hide content, so text that clients send is refused at validation with a 400 naming the field (the schemas'
 * `plainText` refinement, and every procedure's and REST route's raw input: `controlCharacterIssues`), and text
 * from outside (webhook receivers' answers, a model's reply) has them removed before it is stored
 * (`withoutControlCharacters`) — the same on both databases.
 */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const CONTROL_CHARACTERS_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function hasNoControlCharacters(value: string): boolean {
  return !CONTROL_CHARACTERS.test(value);
}

/** External text (not the client's to fix) as it is stored: its control characters removed. */
export function withoutControlCharacters(value: string): string {
  return value.replace(CONTROL_CHARACTERS_ALL, "");
}

/** The refusal's wording for a field (the schemas' refinement and the raw-input check say the same). */
export function controlCharacterMessage(field: string): string {
  return errorMessage("CONTROL_CHARACTER", { field });
}

/** The one refinement of a text field: no control characters in it (a 400 naming the field). */
export function plainText(field: string) {
  return z.refine<string>(hasNoControlCharacters, { message: controlCharacterMessage(field) });
}

/** plainText for every key and string inside a JSON value (visitor metadata, nested). */
export function plainJson(field: string) {
  return z.refine<Record<string, unknown>>((value) => everyJsonString(value, hasNoControlCharacters), {
    message: controlCharacterMessage(field),
  });
}

/**
 * Every string (and object key) of a raw input holding a control character, as zod issues with its path: how
 * the transports apply the rule to every input (tRPC procedures, the REST bridge, REST-only routes), whatever
 * the input's schema. Empty when the input is clean.
 */
export function controlCharacterIssues(value: unknown, path: (string | number)[] = []): z.core.$ZodIssue[] {
  // Every call of every procedure comes here: a clean input (nearly all) is walked once without allocating.
  if (everyJsonString(value, hasNoControlCharacters)) return [];
  const field = () => (path.length === 0 ? "input" : path.map(String).join("."));
  if (typeof value === "string")
    return hasNoControlCharacters(value)
      ? []
      : [{ code: "custom", path, message: controlCharacterMessage(field()), input: value }];
  if (Array.isArray(value))
    return value.flatMap((item, index) => controlCharacterIssues(item, [...path, index]));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) =>
      hasNoControlCharacters(key)
        ? controlCharacterIssues(item, [...path, key])
        : [
            {
              code: "custom" as const,
              path: [...path, key],
              message: controlCharacterMessage(key),
              input: key,
            },
          ],
    );
  return [];
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
  if (value !== null && typeof value === "object") {
    // Its own enumerable keys, as Object.entries lists them (no array of pairs made per call).
    for (const key of Object.keys(value))
      if (!test(key) || !everyJsonString((value as Record<string, unknown>)[key], test)) return false;
  }
  return true;
}
