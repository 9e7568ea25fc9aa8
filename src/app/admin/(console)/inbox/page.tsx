import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { parseInboxFilter } from "./filter";
import { InboxClient } from "./inbox-client";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminInbox");
  return { title: t("metaTitle") };
}

/** Waiting and active conversations and the follow-up queue, live: claim, reply, hand back to the bot, close. */
export default async function InboxPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { admin, caller } = await adminPage("/admin/inbox", "agent");
  const [waiting, active, followUp] = await Promise.all([
    caller.admin.sessions.list({ mode: "waiting", limit: 100 }),
    caller.admin.sessions.list({ mode: "agent", limit: 100 }),
    caller.admin.sessions.list({ needs_follow_up: "true", limit: 100 }),
  ]);
  return (
    <InboxClient
      me={{ id: admin.userId, name: admin.name }}
      initialFilter={parseInboxFilter((await searchParams).filter)}
      initialWaiting={waiting.items}
      initialActive={active.items}
      initialFollowUp={followUp.items}
    />
  );
}
