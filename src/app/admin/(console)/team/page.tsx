import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { TeamManager } from "./team-manager";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminTeam");
  return { title: t("title") };
}

/** The team: invite admins and agents, change roles, disable and enable users. Admins only. */
export default async function TeamPage() {
  const { admin, caller } = await adminPage("/admin/team");
  const initial = await caller.admin.users.list();
  const t = await getTranslations("AdminTeam");
  return (
    <>
      <h1>{t("heading")}</h1>
      <p className="muted" style={{ maxWidth: 720 }}>
        {t("intro")}
      </p>
      <TeamManager initial={initial} selfId={admin.userId} />
    </>
  );
}
