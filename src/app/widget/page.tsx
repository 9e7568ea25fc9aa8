import type { Metadata } from "next";
import { parseWidgetOptions } from "~/components/widget/options";
import { WidgetRoot } from "~/components/widget/widget-root";

export const metadata: Metadata = {
  title: "Chat",
  robots: { index: false, follow: false },
};

/** The visitor chat, full page or inside the embed's iframe (/widget?embed=1&title=…&accent=…). */
export default async function WidgetPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const options = parseWidgetOptions(await searchParams);
  return <WidgetRoot options={options} />;
}
