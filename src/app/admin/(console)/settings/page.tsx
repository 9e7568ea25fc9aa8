import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { env } from "~/env";
import type { ReactNode } from "react";
import { SettingsForm } from "./settings-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminSettings");
  return { title: t("heading") };
}

export default async function SettingsPage() {
  const { caller } = await adminPage("/admin/settings");
  const initial = await caller.admin.settings.get();
  const t = await getTranslations("AdminSettings");
  const code = (chunks: ReactNode) => <code>{chunks}</code>;
  return (
    <>
      <h1>{t("heading")}</h1>
      <p className="muted" style={{ maxInlineSize: 720 }}>
        {t.rich("intro", { attributes: "data-*", code })}
      </p>
      <SettingsForm initial={initial} />
      <section aria-labelledby="retention" style={{ maxInlineSize: 720 }}>
        <h2 id="retention">{t("retention.heading")}</h2>
        <p>
          {env.RETENTION_DAYS === undefined
            ? t.rich("retention.keep", { variable: "RETENTION_DAYS", code })
            : t.rich("retention.delete", {
                days: env.RETENTION_DAYS,
                variable: "RETENTION_DAYS",
                code,
                strong: (chunks) => <strong>{chunks}</strong>,
              })}
        </p>
      </section>
    </>
  );
}
