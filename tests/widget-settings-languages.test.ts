/**
 * Per-language widget texts and the AI disclosure switch (/admin/settings, issue 25 item 6): validation naming
 * the field, storage on both databases, the public settings (GET /api/chats/widget/?locale=) picking the visitor's
 * language field by field with the defaults as fallback, and the disclosure line off at the config level.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS } from "~/components/widget/options";
import { createCaller } from "~/server/api/root";
import { updateWidgetSettingsInputSchema } from "~/server/admin/settings/widget-settings.schema";
import {
  getStoredWidgetSettings,
  updateWidgetSettings,
  widgetTextsFor,
} from "~/server/admin/settings/widget-settings.service";
import { describeEachDatabase } from "./helpers/databases";
import { TEST_BY, testDeps } from "./helpers/deps";

const DEFAULTS = {
  title: "Acme help",
  subtitle: "We answer in seconds",
  greeting: "Welcome! How can we help?",
  suggested_prompts: ["Where is my order?"],
};
const GERMAN = {
  title: "Acme Hilfe",
  greeting: "Willkommen! Wie können wir helfen?",
  suggested_prompts: ["Wo ist meine Bestellung?", "Rückgabe"],
};

describe("per-language texts: validation (unit)", () => {
  it("accepts texts per locale and refuses unknown languages and bad values, naming the field", () => {
    expect(updateWidgetSettingsInputSchema.safeParse({ translations: { de: GERMAN } }).success).toBe(true);
    const cases: [unknown, string, RegExp][] = [
      [
        { xx: { title: "x" } },
        "translations",
        /translations takes the languages en, de, fr, es, ar \(not xx\)/,
      ],
      [{ de: { title: "" } }, "translations.de.title", /title must not be empty/],
      [{ fr: { greeting: "x".repeat(501) } }, "translations.fr.greeting", /at most 500 characters/],
      [
        { es: { suggested_prompts: ["a", "b", "c", "d", "e"] } },
        "translations.es.suggested_prompts",
        /at most 4/,
      ],
      [{ ar: { colour: "red" } }, "translations.ar", /colour/],
    ];
    for (const [translations, path, message] of cases) {
      const result = updateWidgetSettingsInputSchema.safeParse({ translations });
      expect(result.success, path).toBe(false);
      const issue = result.error!.issues.find((i) => i.path.join(".").startsWith(path));
      expect(issue, `${path}: ${JSON.stringify(result.error!.issues)}`).toBeDefined();
      expect(issue!.message + JSON.stringify(issue)).toMatch(message);
    }
    const disclosure = updateWidgetSettingsInputSchema.safeParse({ ai_disclosure: "no" });
    expect(disclosure.error?.issues[0]).toMatchObject({
      path: ["ai_disclosure"],
      message: "ai_disclosure must be true or false",
    });
  });

  it("picks each text of the visitor's language, else the default", () => {
    const settings = { ...DEFAULTS, translations: { de: GERMAN } };
    expect(widgetTextsFor(settings, "de")).toEqual({ ...GERMAN, subtitle: DEFAULTS.subtitle });
    expect(widgetTextsFor(settings, "fr")).toEqual(DEFAULTS);
    expect(widgetTextsFor(settings, null)).toEqual(DEFAULTS);
  });

  it("shows the disclosure line unless the setting turns it off", () => {
    expect(DEFAULT_OPTIONS.aiDisclosure).toBe(true);
  });
});

describeEachDatabase("per-language texts and the disclosure switch", (database) => {
  it("stores them and serves each locale its texts with fallback; disclosure on by default, off when set", async () => {
    const deps = testDeps(database());
    const api = createCaller({ getDeps: async () => deps, headers: new Headers(), ip: "203.0.113.10" });
    const fresh = await getStoredWidgetSettings(deps);
    expect(fresh).toMatchObject({ translations: {}, ai_disclosure: true });
    expect((await api.widget.config({ locale: "de" })).ai_disclosure).toBe(true);

    const saved = await updateWidgetSettings(
      deps,
      updateWidgetSettingsInputSchema.parse({
        ...DEFAULTS,
        translations: { de: GERMAN, fr: {}, es: { subtitle: "Respondemos en segundos" } },
        ai_disclosure: false,
      }),
      "admin@example.com",
      "*",
      TEST_BY,
    );
    // A language with no text is not kept.
    expect(saved.translations).toEqual({ de: GERMAN, es: { subtitle: "Respondemos en segundos" } });
    expect(saved.ai_disclosure).toBe(false);

    const german = await api.widget.config({ locale: "de" });
    expect(german).toMatchObject({ ...GERMAN, subtitle: DEFAULTS.subtitle, ai_disclosure: false });
    expect(german).not.toHaveProperty("translations");
    const spanish = await api.widget.config({ locale: "es" });
    expect(spanish).toMatchObject({ ...DEFAULTS, subtitle: "Respondemos en segundos" });
    expect(await api.widget.config({ locale: "ar" })).toMatchObject(DEFAULTS);
    expect(await api.widget.config()).toMatchObject({ ...DEFAULTS, ai_disclosure: false });
    await expect(api.widget.config({ locale: "pt" as "de" })).rejects.toThrow(/locale must be one of/);

    // Left out: everything back to the defaults, the disclosure on again.
    const reset = await updateWidgetSettings(deps, {}, "admin@example.com", "*", TEST_BY);
    expect(reset).toMatchObject({ translations: {}, ai_disclosure: true, title: "Support" });
  });
});
