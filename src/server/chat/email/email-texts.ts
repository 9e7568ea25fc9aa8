import { createTranslator } from "next-intl";
import { DEFAULT_LOCALE, supportedLocale, type Locale } from "~/i18n/locales";
import ar from "../../../../messages/ar.json";
import de from "../../../../messages/de.json";
import en from "../../../../messages/en.json";
import es from "../../../../messages/es.json";
import fr from "../../../../messages/fr.json";

/** Each language's catalogue (messages/<locale>.json): emails to visitors use its `VisitorEmail` namespace. */
const CATALOGUES: Record<Locale, typeof en> = { en, de, fr, es, ar };

/**
 * The words of emails to a visitor in their language (the session's locale), English when none is known. The
 * texts live in the next-intl catalogues, like every other text visitors read.
 */
export function visitorEmailTexts(locale: string | null | undefined) {
  const language = supportedLocale(locale) ?? DEFAULT_LOCALE;
  return createTranslator({ locale: language, messages: CATALOGUES[language], namespace: "VisitorEmail" });
}
export type VisitorEmailTexts = ReturnType<typeof visitorEmailTexts>;

/** The visible steps' words (agent joined, closed …) in the visitor's language, as the widget shows them. */
export function systemStepTexts(locale: string | null | undefined) {
  const language = supportedLocale(locale) ?? DEFAULT_LOCALE;
  return createTranslator({
    locale: language,
    messages: CATALOGUES[language],
    namespace: "Widget.messages.system",
  });
}
