import type { Metadata } from "next";
import { DEFAULT_OPTIONS, parseWidgetOptions, type WidgetOptions } from "~/components/widget/options";
import { WidgetRoot } from "~/components/widget/widget-root";
import { getStoredWidgetSettings } from "~/server/admin/settings/widget-settings.service";
import { getChatDeps } from "~/server/runtime/runtime";

export const metadata: Metadata = {
  title: "Chat",
  robots: { index: false, follow: false },
};

/** The admin's settings (cached per process); the built-in defaults if the database cannot be read now. */
async function settingsOptions(): Promise<WidgetOptions> {
  try {
    const settings = await getStoredWidgetSettings(await getChatDeps());
    return {
      ...DEFAULT_OPTIONS,
      title: settings.title,
      subtitle: settings.subtitle,
      greeting: settings.greeting,
      accent: settings.accent,
      position: settings.position,
      suggestedPrompts: settings.suggested_prompts,
      assistantName: settings.assistant_name,
      assistantAvatar: settings.assistant_avatar,
      officeHours: settings.office_hours,
    };
  } catch (error) {
    console.error("widget settings unavailable; the widget uses its defaults", error);
    return DEFAULT_OPTIONS;
  }
}

/** The visitor chat, full page or inside the embed's iframe (/widget?embed=1&title=…&accent=…). */
export default async function WidgetPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const options = parseWidgetOptions(await searchParams, await settingsOptions());
  return <WidgetRoot options={options} />;
}
