import Link from "next/link";
import type { ReactNode } from "react";
import { currentAdmin } from "~/app/admin/_lib/admin-page";
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
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label="Admin">
        <span className="brand">Visitor Chat</span>
        <Link href="/admin">Dashboard</Link>
        <Link href="/admin/inbox">Inbox</Link>
        <Link href="/admin/visitors">Visitors</Link>
        <Link href="/admin/sessions">Sessions</Link>
        <Link href="/admin/knowledge">Knowledge base</Link>
        <Link href="/admin/gaps">Gaps</Link>
        <Link href="/admin/api-keys">API keys</Link>
        <Link href="/admin/audit">Audit log</Link>
        <Link href="/admin/settings">Widget settings</Link>
        <Link href="/admin/webhooks">Webhooks</Link>
        <Link href="/api/docs/">REST API docs</Link>
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
