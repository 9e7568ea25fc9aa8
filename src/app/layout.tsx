import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { getLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { directionOf } from "~/i18n/locales";
import "./globals.css";

export const metadata: Metadata = {
  title: "Visitor Chat",
  description: "A self-hostable chat for your website's visitors.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  colorScheme: "light dark",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request, so Next.js can put this request's CSP nonce (src/proxy.ts) on its scripts.
  await connection();
  const locale = await getLocale();
  return (
    <html lang={locale} dir={directionOf(locale)}>
      <body>{children}</body>
    </html>
  );
}
