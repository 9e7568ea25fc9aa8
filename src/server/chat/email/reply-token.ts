import { randomBytes } from "node:crypto";
import type { Prisma } from "~/generated/prisma-postgresql/client";

/**
 * A conversation's email token: 128 random bits as lowercase hex (local parts of addresses may be folded to lower
 * case on the way), stored on the session (`reply_token`, unique). It names one conversation only and cannot be
 * derived from anything else, so a reply to reply+<token>@INBOUND_EMAIL_DOMAIN lands in that conversation and
 * nowhere else, and a made-up token names none.
 */
export const REPLY_TOKEN_PATTERN = /^[0-9a-f]{32}$/;

export function newReplyToken(): string {
  return randomBytes(16).toString("hex");
}

/** The Reply-To address of a conversation's emails, or undefined when replies by email are off. */
export function replyAddress(token: string, inboundDomain: string | undefined): string | undefined {
  return inboundDomain ? `reply+${token}@${inboundDomain}` : undefined;
}

/** The token of a reply+<token>@<domain> address (any case), when it is one for `domain`. */
export function tokenOfAddress(address: string, domain: string): string | null {
  const match = /^reply\+([0-9a-z]+)@(.+)$/i.exec(address.trim());
  if (!match || match[2]!.toLowerCase() !== domain.toLowerCase()) return null;
  const token = match[1]!.toLowerCase();
  return REPLY_TOKEN_PATTERN.test(token) ? token : null;
}

/** The session's token, given one now (in the caller's transaction) if it has none yet. */
export async function ensureReplyToken(
  tx: Pick<Prisma.TransactionClient, "session">,
  session: { id: string; reply_token: string | null },
): Promise<string> {
  if (session.reply_token) return session.reply_token;
  const token = newReplyToken();
  await tx.session.updateMany({ where: { id: session.id, reply_token: null }, data: { reply_token: token } });
  const stored = await tx.session.findUniqueOrThrow({
    where: { id: session.id },
    select: { reply_token: true },
  });
  return stored.reply_token ?? token;
}
