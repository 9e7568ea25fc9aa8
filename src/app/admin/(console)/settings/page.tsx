import type { Metadata } from "next";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { env } from "~/env";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Widget settings" };

export default async function SettingsPage() {
  const { caller } = await adminPage("/admin/settings");
  const initial = await caller.admin.settings.get();
  return (
    <>
      <h1>Widget settings</h1>
      <p className="muted" style={{ maxWidth: 720 }}>
        How the chat looks and behaves for every visitor. A save is live on every server within a few seconds,
        without a restart. On a page, the embed script&apos;s <code>data-*</code> attributes still override
        the title, subtitle, greeting, accent, position and launcher label.
      </p>
      <SettingsForm initial={initial} />
      <section aria-labelledby="retention" style={{ maxWidth: 720 }}>
        <h2 id="retention">Data retention</h2>
        {env.RETENTION_DAYS === undefined ? (
          <p>
            Conversations are kept until they are deleted (by the visitor, or by an admin on a visitor&apos;s
            page). Set <code>RETENTION_DAYS</code> in the server&apos;s environment to delete conversations
            with no activity for longer.
          </p>
        ) : (
          <p>
            Conversations with no activity for more than <strong>{env.RETENTION_DAYS} days</strong> are
            deleted, with their messages, and visitors left with nothing (<code>RETENTION_DAYS</code>; checked
            every hour, on one server at a time).
          </p>
        )}
      </section>
    </>
  );
}
