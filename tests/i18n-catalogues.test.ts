/**
 * The message catalogues (messages/<locale>.json): every language has every key of the English one and no
 * other, each message is valid ICU MessageFormat, and a translation uses the same arguments as the English.
 * Also the choice of language for a request (src/i18n/locales.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_LOCALE,
  LOCALES,
  localeFromAcceptLanguage,
  pageLocale,
  supportedLocale,
} from "../src/i18n/locales";

type Catalogue = { [key: string]: string | Catalogue };

function load(locale: string): Catalogue {
  return JSON.parse(readFileSync(path.join("messages", `${locale}.json`), "utf8")) as Catalogue;
}

/** "Widget.composer.placeholder" → message, for every leaf. */
function flatten(catalogue: Catalogue, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    const id = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(id, value);
    else for (const [k, v] of flatten(value, id)) out.set(k, v);
  }
  return out;
}

/** The names of a message's arguments ({name}, {count, plural, …}, <b>…</b> tags), nested ones included. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    into.add(element.value);
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      for (const option of Object.values(element.options)) argumentsOf(option.value, into);
    }
    if (element.type === TYPE.tag) argumentsOf(element.children, into);
  }
  return into;
}

const english = flatten(load("en"));

describe("message catalogues", () => {
  it("English has messages in the widget's and the admin pages' namespaces", () => {
    expect(english.size).toBeGreaterThan(0);
    expect([...english.keys()].some((key) => key.startsWith("AdminNav."))).toBe(true);
  });

  for (const locale of LOCALES) {
    describe(locale, () => {
      const messages = flatten(load(locale));

      it("has exactly the English keys", () => {
        expect([...messages.keys()].filter((key) => !english.has(key))).toEqual([]);
        expect([...english.keys()].filter((key) => !messages.has(key))).toEqual([]);
      });

      it("every message is valid ICU with the English message's arguments, and not empty", () => {
        const problems: string[] = [];
        for (const [key, message] of messages) {
          if (!message.trim()) problems.push(`${key}: empty`);
          try {
            const args = [...argumentsOf(parse(message))].sort();
            const englishArgs = [...argumentsOf(parse(english.get(key) ?? ""))].sort();
            if (args.join() !== englishArgs.join())
              problems.push(
                `${key}: arguments ${args.join() || "none"} ≠ English ${englishArgs.join() || "none"}`,
              );
          } catch (error) {
            problems.push(`${key}: ${(error as Error).message}`);
          }
        }
        expect(problems).toEqual([]);
      });
    });
  }
});

describe("choosing the language", () => {
  it("reads Accept-Language by quality, then order, and knows only its own languages", () => {
    expect(localeFromAcceptLanguage("de-CH,de;q=0.9,en;q=0.8")).toBe("de");
    expect(localeFromAcceptLanguage("pt-BR,fr;q=0.5,es;q=0.7")).toBe("es");
    expect(localeFromAcceptLanguage("ar-EG")).toBe("ar");
    expect(localeFromAcceptLanguage("*, de;q=0")).toBe(null);
    expect(localeFromAcceptLanguage("")).toBe(null);
    expect(localeFromAcceptLanguage("en;q=abc, fr")).toBe("fr");
    expect(supportedLocale("FR_ca")).toBe("fr");
    expect(supportedLocale("xx")).toBe(null);
  });

  it("the widget follows ?locale= (data-locale) over the browser; admin pages follow the cookie", () => {
    expect(pageLocale({ pathname: "/widget", queryLocale: "ar", acceptLanguage: "de" })).toBe("ar");
    expect(pageLocale({ pathname: "/widget", queryLocale: "xx", acceptLanguage: "de" })).toBe("de");
    expect(pageLocale({ pathname: "/widget", acceptLanguage: "ja" })).toBe(DEFAULT_LOCALE);
    expect(pageLocale({ pathname: "/admin/inbox", cookieLocale: "fr", acceptLanguage: "de" })).toBe("fr");
    expect(pageLocale({ pathname: "/admin", acceptLanguage: "es-MX" })).toBe("es");
    // The widget ignores the admin's cookie; other pages are in English whatever the browser says.
    expect(pageLocale({ pathname: "/widget", cookieLocale: "fr", acceptLanguage: "de" })).toBe("de");
    expect(pageLocale({ pathname: "/", acceptLanguage: "de", queryLocale: "fr" })).toBe("en");
  });
});
