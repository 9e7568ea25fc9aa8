import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { SavedRepliesManager } from "./saved-replies-manager";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminSavedReplies");
  return { title: t("title") };
}

/** The team's saved replies (the inbox composer's `/` menu): create, change, delete. Agents and admins. */
export default async function SavedRepliesPage() {
  const { caller } = await adminPage("/admin/saved-replies", "agent");
  const initial = await caller.admin.cannedResponses.list();
  const t = await getTranslations("AdminSavedReplies");
  return (
    <>
      <h1>{t("heading")}</h1>
      <p className="muted" style={{ maxWidth: 720 }}>
        {t("intro")}
      </p>
      <SavedRepliesManager initial={initial} />
    </>
  );
}
