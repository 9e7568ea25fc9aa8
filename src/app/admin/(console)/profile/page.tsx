import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { EmailAlertsToggle } from "../../_components/email-alerts-toggle";
import { ChangePasswordForm } from "./change-password-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminProfile");
  return { title: t("title") };
}

/**
 * The signed-in user's own page (agents and admins): who they are, their alert emails (the alert emails link
 * here), and a new password (Better Auth's change-password: the current one is checked, other sessions end).
 */
export default async function ProfilePage() {
  const { admin } = await adminPage("/admin/profile", "agent");
  const t = await getTranslations("AdminProfile");
  return (
    <>
      <h1>{t("heading")}</h1>
      <dl className="profile" data-testid="profile">
        <dt>{t("name")}</dt>
        <dd>{admin.name}</dd>
        <dt>{t("email")}</dt>
        <dd>{admin.email}</dd>
        <dt>{t("role")}</dt>
        <dd>{t(`roles.${admin.role}`)}</dd>
      </dl>
      <h2>{t("alertsHeading")}</h2>
      <EmailAlertsToggle offNote={t("alertsOff")} />
      <h2>{t("passwordHeading")}</h2>
      <ChangePasswordForm />
    </>
  );
}
