import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { ApiKeysManager } from "./api-keys-manager";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminApiKeys");
  return { title: t("title") };
}

/** The header a key is sent in (code, the same in every language). */
const BEARER_HEADER = "Authorization: Bearer <key>";

export default async function ApiKeysPage() {
  const { caller } = await adminPage("/admin/api-keys");
  const initial = await caller.admin.apiKeys.list();
  const t = await getTranslations("AdminApiKeys");
  return (
    <>
      <h1>{t("heading")}</h1>
      <p className="muted" style={{ maxWidth: 720 }}>
        {t.rich("intro", {
          header: BEARER_HEADER,
          link: (chunks) => <Link href="/api/docs/">{chunks}</Link>,
          code: (chunks) => <code>{chunks}</code>,
        })}
      </p>
      <ApiKeysManager initial={initial} />
    </>
  );
}
