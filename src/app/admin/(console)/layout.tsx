import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { currentAdmin } from "~/app/admin/_lib/admin-page";
import { LanguageMenu } from "../_components/language-menu";
import { SignOutButton } from "../_components/sign-out-button";

// Signed-in pages read the session cookie on every request: never prerendered or cached.
export const dynamic = "force-dynamic";

/**
 * The frame of every signed-in page. Access is checked by each page (adminPage), which knows its own path to come
 * back to after sign-in; layouts are not even re-run on client navigation. Without an admin, render no frame.
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const admin = await currentAdmin();
  if (!admin) return <>{children}</>;
  const t = await getTranslations("AdminNav");
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t("label")}>
        <span className="brand">{t("brand")}</span>
        <Link href="/admin">{t("dashboard")}</Link>
        <Link href="/admin/inbox">{t("inbox")}</Link>
        <Link href="/admin/visitors">{t("visitors")}</Link>
        <Link href="/admin/sessions">{t("sessions")}</Link>
        <Link href="/admin/knowledge">{t("knowledge")}</Link>
        <Link href="/admin/gaps">{t("gaps")}</Link>
        <Link href="/admin/api-keys">{t("apiKeys")}</Link>
        <Link href="/admin/audit">{t("audit")}</Link>
        <Link href="/admin/settings">{t("settings")}</Link>
        <Link href="/admin/webhooks">{t("webhooks")}</Link>
        <Link href="/api/docs/">{t("apiDocs")}</Link>
        <LanguageMenu />
        <span className="who">
          {admin.email}
          <br />
          <SignOutButton />
        </span>
      </nav>
      <main className="admin-main">{children}</main>
    </div>
  );
}
