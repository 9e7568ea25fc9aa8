import { timingSafeEqual } from "node:crypto";
import { receiveInboundEmail, stopEmails } from "../chat/email/inbound";
import { AppError } from "../errors/app-error";
import { payloadTooLargeError, readBodyBytes } from "../protection/body-limit";
import type { RouteCall } from "./route";

/** The largest raw email accepted (attachments included; only the text is kept). */
export const INBOUND_EMAIL_MAX_BYTES = 10 * 1024 * 1024;

function bearerMatches(header: string | null, secret: string | undefined): boolean {
  if (!secret || !header) return false;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * POST /api/inbound/email/ — a reply by email, the raw message as the body (Content-Type: message/rfc822), from a
 * local MTA's pipe or a mail provider's inbound webhook, with Authorization: Bearer <INBOUND_EMAIL_SECRET>. The
 * secret is checked before the body is read; then the domain (src/server/chat/email/inbound.ts) stores it.
 */
export async function inboundEmail({ request, deps }: RouteCall<undefined>): Promise<Response> {
  if (!bearerMatches(request.headers.get("authorization"), deps.config.email.inboundSecret))
    throw new AppError("INBOUND_EMAIL_UNAUTHORIZED");
  const contentType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "message/rfc822") throw new AppError("INBOUND_EMAIL_NOT_MIME");
  const raw = await readBodyBytes(request, {
    maxBytes: INBOUND_EMAIL_MAX_BYTES,
    tooLarge: payloadTooLargeError,
  });
  const stored = await receiveInboundEmail(deps, Buffer.from(raw));
  return Response.json({ success: true, message: "Reply stored.", data: stored });
}

/** GET /api/inbound/email/stop/?token=… — an email's stop link: no more emails to that visitor. */
export async function emailStop({ request, deps }: RouteCall<undefined>): Promise<Response> {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const result = await stopEmails(deps, token);
  return Response.json({
    success: true,
    message: "You will get no more emails about your conversations.",
    data: result,
  });
}
