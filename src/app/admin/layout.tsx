import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getMessages, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { adminMessages } from "~/i18n/namespaces";
import { TRPCReactProvider } from "~/trpc/react";
import "./admin.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminNav");
  return {
    title: { default: t("pageTitle"), template: t("pageTitleTemplate") },
    robots: { index: false, follow: false },
  };
}

export default async function AdminRootLayout({ children }: { children: ReactNode }) {
  // Client components get the admin's catalogue (in the admin's language), not the widget's.
  const messages = adminMessages(await getMessages());
  return (
    <NextIntlClientProvider messages={messages}>
      <TRPCReactProvider>{children}</TRPCReactProvider>
    </NextIntlClientProvider>
  );
}
