import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { RenderedEmail } from "./email-content";

export type EmailKind = "continuity" | "transcript" | "agent_alert" | "digest";

/**
 * Queues an email in the outbox (email_outbox), in the caller's transaction: the email worker
 * (src/server/email/delivery.ts) sends it and retries it with backoff. Queuing never talks to the mail server,
 * so the request or job that decides an email is never held up by it.
 */
export function queueEmail(
  tx: Pick<Prisma.TransactionClient, "emailOutbox">,
  email: RenderedEmail & {
    kind: EmailKind;
    to: string;
    replyTo?: string;
    sessionId?: string;
    at: Date;
  },
) {
  return tx.emailOutbox.create({
    data: {
      kind: email.kind,
      to_address: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      reply_to: email.replyTo ?? null,
      session_id: email.sessionId ?? null,
      next_attempt_at: email.at,
      created_at: email.at,
    },
    select: { id: true },
  });
}

/** The site's name in emails: the widget title set in /admin/settings, else "Support". */
export async function siteTitleOf(db: Pick<Prisma.TransactionClient, "widgetSettings">): Promise<string> {
  const settings = await db.widgetSettings.findUnique({ where: { id: 1 }, select: { title: true } });
  return settings?.title?.trim() || "Support";
}
