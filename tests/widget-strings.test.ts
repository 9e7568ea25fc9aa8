/**
 * Texts the widget shows that mirror the server's (the widget may not import the error table or the limits):
 * the English catalogue (messages/en.json, namespace Widget) must say what the server's one place says.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES } from "../src/i18n/locales";
import { embedText } from "../testing/embed-text";
import { LIMITS } from "../src/server/chat/limits";
import { MESSAGE_MAX_CHARS } from "../src/shared/limits";
import { WIDGET_SETTING_DEFAULTS } from "../src/server/admin/settings/widget-settings.schema";
import { APP_ERRORS } from "../src/server/errors/app-error";

interface WidgetCatalogue {
  Widget: {
    errors: { replyFailed: string };
    defaults: { title: string; subtitle: string; greeting: string; assistantName: string };
  };
}

const english = JSON.parse(readFileSync(path.join("messages", "en.json"), "utf8")) as WidgetCatalogue;

describe("widget texts and limits", () => {
  it("a failed reply says what the server's REPLY_FAILED says", () => {
    expect(english.Widget.errors.replyFailed).toBe(APP_ERRORS.REPLY_FAILED.message);
  });
  it("the English defaults are the server's stock settings (src/app/widget/page.tsx recognises them by these)", () => {
    expect(english.Widget.defaults).toEqual({
      title: WIDGET_SETTING_DEFAULTS.title,
      subtitle: WIDGET_SETTING_DEFAULTS.subtitle,
      greeting: WIDGET_SETTING_DEFAULTS.greeting,
      assistantName: WIDGET_SETTING_DEFAULTS.assistant_name,
    });
  });
  it("the composer's limit is the server's message limit", () => {
    expect(MESSAGE_MAX_CHARS).toBe(LIMITS.messageMaxChars);
  });
});

describe("the embed script's launcher words (public/embed.js)", () => {
  const text = embedText();
  it.each(LOCALES)("speaks %s, with every plural form the language has", (locale) => {
    const entry = text[locale];
    expect(entry, `public/embed.js has no ${locale} entry`).toBeDefined();
    for (const key of ["chat", "open", "close"] as const) expect(entry?.[key].trim()).not.toBe("");
    for (const form of new Intl.PluralRules(locale).resolvedOptions().pluralCategories)
      expect(entry?.new[form], `${locale}: the "${form}" form of "new replies"`).toBeTruthy();
  });
  it("knows no language the app does not speak", () => {
    expect(Object.keys(text).sort()).toEqual([...LOCALES].sort());
  });
});
