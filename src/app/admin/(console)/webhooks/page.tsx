import type { Metadata } from "next";
import Link from "next/link";
import { adminPage } from "~/app/admin/_lib/admin-page";
import { WEBHOOK_EVENT_TYPES } from "~/server/chat/webhooks/webhook-events";
import { WebhooksManager } from "./webhooks-manager";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const { caller } = await adminPage("/admin/webhooks");
  const initial = await caller.admin.webhooks.list();
  return (
    <>
      <h1>Webhooks</h1>
      <p className="muted" style={{ maxWidth: 720 }}>
        Endpoints receive a signed POST when a visitor, session or message is created, per{" "}
        <a href="https://www.standardwebhooks.com/">Standard Webhooks</a>: verify them with the{" "}
        <code>standardwebhooks</code> library and the secret shown once at registration. Failed deliveries are
        retried for 24 hours; an endpoint failing for 24 hours is disabled. Also in the{" "}
        <Link href="/api/docs/">admin REST API</Link>.
      </p>
      <WebhooksManager initial={initial} eventTypes={[...WEBHOOK_EVENT_TYPES]} />
    </>
  );
}
