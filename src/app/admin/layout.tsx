import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import type { ReactNode } from "react";
import { adminMessages } from "~/i18n/namespaces";
import { TRPCReactProvider } from "~/trpc/react";
import "./admin.css";

export const metadata: Metadata = {
  title: { default: "Admin · Visitor Chat", template: "%s · Visitor Chat admin" },
  robots: { index: false, follow: false },
};

export default async function AdminRootLayout({ children }: { children: ReactNode }) {
  // Client components get the admin's catalogue (in the admin's language), not the widget's.
  const messages = adminMessages(await getMessages());
  return (
    <NextIntlClientProvider messages={messages}>
      <TRPCReactProvider>{children}</TRPCReactProvider>
    </NextIntlClientProvider>
  );
}
