import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { WEBHOOK_EVENT_TYPES } from "~/server/chat/webhooks/webhook-events";
import { WebhooksManager } from "./webhooks-manager";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminWebhooks");
  return { title: t("heading") };
}

export default async function WebhooksPage() {
  const { caller } = await adminPage("/admin/webhooks");
  const initial = await caller.admin.webhooks.list();
  const t = await getTranslations("AdminWebhooks");
  return (
    <>
      <h1>{t("heading")}</h1>
      <p className="muted" style={{ maxInlineSize: 720 }}>
        {t.rich("intro", {
          library: "standardwebhooks",
          standard: (chunks) => <a href="https://www.standardwebhooks.com/">{chunks}</a>,
          code: (chunks) => <code>{chunks}</code>,
          docs: (chunks) => <Link href="/api/docs/">{chunks}</Link>,
        })}
      </p>
      <WebhooksManager initial={initial} eventTypes={WEBHOOK_EVENT_TYPES} />
    </>
  );
}
