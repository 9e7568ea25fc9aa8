import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages, getTranslations } from "next-intl/server";
import { DEFAULT_OPTIONS, parseWidgetOptions, type WidgetOptions } from "~/components/widget/options";
import { WidgetRoot } from "~/components/widget/widget-root";
import { supportedLocale } from "~/i18n/locales";
import { widgetMessages } from "~/i18n/namespaces";
import { WIDGET_SETTING_DEFAULTS } from "~/server/admin/settings/widget-settings.schema";
import { getStoredWidgetSettings, widgetTextsFor } from "~/server/admin/settings/widget-settings.service";
import { getChatDeps } from "~/server/runtime/runtime";
import { logError } from "~/server/observability/logger";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("Widget");
  return { title: t("pageTitle"), robots: { index: false, follow: false } };
}

/** The admin's settings (cached per process); the built-in defaults if the database cannot be read now. */
async function settingsOptions(): Promise<WidgetOptions> {
  try {
    const settings = await getStoredWidgetSettings(await getChatDeps());
    // The texts set for the visitor's language, else the defaults.
    const texts = widgetTextsFor(settings, supportedLocale(await getLocale()));
    return {
      ...DEFAULT_OPTIONS,
      title: texts.title,
      subtitle: texts.subtitle,
      greeting: texts.greeting,
      accent: settings.accent,
      position: settings.position,
      suggestedPrompts: texts.suggested_prompts,
      aiDisclosure: settings.ai_disclosure,
      assistantName: settings.assistant_name,
      assistantAvatar: settings.assistant_avatar,
      officeHours: settings.office_hours,
    };
  } catch (error) {
    logError("widget settings unavailable; the widget uses its defaults", error);
    return DEFAULT_OPTIONS;
  }
}

/**
 * The texts the admin never changed are the stock English ones (WIDGET_SETTING_DEFAULTS): the visitor gets the
 * catalogue's wording of them in their language. Texts the admin wrote are the site owner's own words, kept as
 * they are.
 */
async function inVisitorsLanguage(options: WidgetOptions): Promise<WidgetOptions> {
  const t = await getTranslations("Widget.defaults");
  const stock = (value: string, english: string, translated: string) =>
    value === english ? translated : value;
  return {
    ...options,
    title: stock(options.title, WIDGET_SETTING_DEFAULTS.title, t("title")),
    subtitle: stock(options.subtitle, WIDGET_SETTING_DEFAULTS.subtitle, t("subtitle")),
    greeting: stock(options.greeting, WIDGET_SETTING_DEFAULTS.greeting, t("greeting")),
    assistantName: stock(options.assistantName, WIDGET_SETTING_DEFAULTS.assistant_name, t("assistantName")),
  };
}

/**
 * The visitor chat, full page or inside the embed's iframe (/widget?embed=1&title=…&accent=…&locale=…), in the
 * language the proxy chose (?locale=, else the browser's). Only the Widget namespace reaches the browser.
 */
export default async function WidgetPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const base = await inVisitorsLanguage(await settingsOptions());
  const options = parseWidgetOptions(await searchParams, base);
  return (
    <NextIntlClientProvider messages={widgetMessages(await getMessages())}>
      <WidgetRoot options={options} />
    </NextIntlClientProvider>
  );
}
