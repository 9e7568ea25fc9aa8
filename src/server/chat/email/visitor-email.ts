import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { EmailConfig } from "../deps";
import type { RenderedEmail, VisitorEmailLinks } from "./email-content";
import { queueEmail, siteTitleOf, type EmailKind } from "./outbox";
import { ensureReplyToken, replyAddress } from "./reply-token";

/**
 * Queues an email to a conversation's visitor, in the caller's transaction, with what every such email carries:
 * the site's name, the link back into the conversation, the stop link and, when replies by email are on, the
 * conversation's Reply-To address (its token given now if it has none). `compose` renders the email's own content.
 */
export async function queueVisitorEmail(
  tx: Pick<Prisma.TransactionClient, "session" | "emailOutbox" | "widgetSettings">,
  config: EmailConfig,
  session: { id: string; visitor_id: string; reply_token: string | null; locale: string | null },
  email: { kind: EmailKind; to: string; at: Date; compose: (links: VisitorEmailLinks) => RenderedEmail },
): Promise<void> {
  const token = await ensureReplyToken(tx, session);
  const replyTo = replyAddress(token, config.inboundDomain);
  const rendered = email.compose({
    siteTitle: await siteTitleOf(tx),
    conversationUrl: conversationUrl(config.publicUrl, session.id, session.visitor_id),
    stopUrl: `${config.publicUrl}/api/inbound/email/stop/?token=${token}`,
    canReply: replyTo !== undefined,
    locale: session.locale,
  });
  await queueEmail(tx, {
    ...rendered,
    kind: email.kind,
    to: email.to,
    replyTo,
    sessionId: session.id,
    at: email.at,
  });
}

/** The link that reopens the conversation in the widget (a fresh browser comes back as this visitor). */
export function conversationUrl(publicUrl: string, sessionId: string, visitorId: string): string {
  return `${publicUrl}/widget?visitor=${encodeURIComponent(visitorId)}&session=${encodeURIComponent(sessionId)}`;
}
