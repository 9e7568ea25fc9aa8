import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { canSee, currentAdmin } from "~/app/admin/_lib/admin-page";
import type { AccessLevel } from "~/server/admin/auth/roles";
import { LanguageMenu } from "../_components/language-menu";
import { SignOutButton } from "../_components/sign-out-button";

/** The console's pages, each shown to whom may open it (the pages' own `adminPage(path, access)` agree). */
const NAV: { href: string; label: NavLabel; access: AccessLevel }[] = [
  { href: "/admin", label: "dashboard", access: "agent" },
  { href: "/admin/inbox", label: "inbox", access: "agent" },
  { href: "/admin/visitors", label: "visitors", access: "agent" },
  { href: "/admin/sessions", label: "sessions", access: "agent" },
  { href: "/admin/knowledge", label: "knowledge", access: "agent" },
  { href: "/admin/gaps", label: "gaps", access: "agent" },
  { href: "/admin/reports", label: "reports", access: "agent" },
  { href: "/admin/saved-replies", label: "savedReplies", access: "agent" },
  { href: "/admin/team", label: "team", access: "admin" },
  { href: "/admin/api-keys", label: "apiKeys", access: "admin" },
  { href: "/admin/audit", label: "audit", access: "admin" },
  { href: "/admin/settings", label: "settings", access: "admin" },
  { href: "/admin/webhooks", label: "webhooks", access: "admin" },
];
type NavLabel =
  | "dashboard"
  | "inbox"
  | "visitors"
  | "sessions"
  | "knowledge"
  | "gaps"
  | "reports"
  | "savedReplies"
  | "team"
  | "apiKeys"
  | "audit"
  | "settings"
  | "webhooks";

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
        {NAV.filter((item) => canSee(admin, item.access)).map((item) => (
          <Link key={item.href} href={item.href}>
            {t(item.label)}
          </Link>
        ))}
        <Link href="/api/docs/">{t("apiDocs")}</Link>
        <LanguageMenu />
        <span className="who">
          <Link href="/admin/profile" data-testid="profile-link" title={t("profile")}>
            {admin.email}
          </Link>
          <br />
          <SignOutButton />
        </span>
      </nav>
      <main className="admin-main">{children}</main>
    </div>
  );
}
