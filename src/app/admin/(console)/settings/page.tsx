import type { Metadata } from "next";
import { adminPage } from "~/app/admin/_lib/admin-page";
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
    </>
  );
}
