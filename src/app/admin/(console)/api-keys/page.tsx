import type { Metadata } from "next";
import Link from "next/link";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { ApiKeysManager } from "./api-keys-manager";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const { caller } = await adminPage("/admin/api-keys");
  const initial = await caller.admin.apiKeys.list();
  return (
    <>
      <h1>API keys</h1>
      <p className="muted" style={{ maxWidth: 720 }}>
        Keys let other systems read visitors, sessions, transcripts and exports over the{" "}
        <Link href="/api/docs/">admin REST API</Link> with <code>Authorization: Bearer &lt;key&gt;</code>. A
        key is shown once when created and stored only as a hash; revoke a key the moment it is no longer
        needed or may have leaked.
      </p>
      <ApiKeysManager initial={initial} />
    </>
  );
}
