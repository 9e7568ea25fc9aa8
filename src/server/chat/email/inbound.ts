import type { AddressObject, ParsedMail } from "mailparser";
import { AppError } from "../../errors/app-error";
import type { ChatDeps } from "../deps";
import { transitionSession } from "../handoff/handoff.service";
import { LIMITS } from "../limits";
import { storeMessages } from "../messages/message-writer";
import type { MessageDto } from "../messages/message.schema";
import { toSessionDto } from "../sessions/sessions.service";
import { REPLY_TOKEN_PATTERN, tokenOfAddress } from "./reply-token";

/**
 * The MIME parser and the quoted-reply splitter (mailparser, email-reply-parser and their encoders, ≈ 1 MB of code):
 * loaded on the first inbound email, not kept by an app that never receives one (bench/RESULTS.md, idle memory).
 */
async function emailParsers() {
  const [{ simpleParser }, { default: EmailReplyParser }] = await Promise.all([
    import("mailparser"),
    import("email-reply-parser"),
  ]);
  return { simpleParser, EmailReplyParser };
}

/** The addresses a message was delivered to: To, Cc, and the MTA's Delivered-To / X-Original-To / Envelope-To. */
function recipientsOf(mail: ParsedMail): string[] {
  const objects = (value: AddressObject | AddressObject[] | undefined) =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  const fromHeaders = ["delivered-to", "x-original-to", "envelope-to"].flatMap((name) => {
    const value = mail.headers.get(name);
    return typeof value === "string" ? [value] : [];
  });
  return [
    ...fromHeaders,
    ...[...objects(mail.to), ...objects(mail.cc)].flatMap((object) =>
      object.value.flatMap((address) => (address.address ? [address.address] : [])),
    ),
  ];
}

/**
 * Only what the visitor wrote now: the quoted history ("On … wrote:" and its `>` lines) and the signature are
 * stripped (email-reply-parser), whitespace trimmed, cut to the message limit.
 */
export async function newTextOf(mail: ParsedMail): Promise<string> {
  const { EmailReplyParser } = await emailParsers();
  const text = mail.text ?? "";
  const fresh = new EmailReplyParser().parseReply(text.replace(/\r\n/g, "\n")).trim();
  return fresh.slice(0, LIMITS.messageMaxChars);
}

/**
 * A visitor's reply by email (the raw RFC 822 message): the conversation is the one its reply+<token> address
 * names — a token no conversation has is refused and nothing is stored. The new text is stored as the visitor's
 * message; a closed conversation reopens (with its visible step) and, as a person is expected to answer an email,
 * it joins the follow-up queue. The assistant does not answer an email.
 */
export async function receiveInboundEmail(
  deps: ChatDeps,
  raw: Buffer,
): Promise<{ session_id: string; message: MessageDto }> {
  const domain = deps.config.email.inboundDomain;
  if (!domain) throw new AppError("INBOUND_EMAIL_UNKNOWN_RECIPIENT");
  const { simpleParser } = await emailParsers();
  const mail = await simpleParser(raw, { skipImageLinks: true, skipHtmlToText: false });
  const token = recipientsOf(mail)
    .map((address) => tokenOfAddress(address, domain))
    .find((found): found is string => found !== null);
  const session = token ? await deps.db.session.findUnique({ where: { reply_token: token } }) : null;
  if (!session) throw new AppError("INBOUND_EMAIL_UNKNOWN_RECIPIENT");
  const text = await newTextOf(mail);
  if (text === "") throw new AppError("INBOUND_EMAIL_EMPTY");
  const current =
    session.mode === "closed"
      ? await transitionSession(deps, session.id, { kind: "visitor_message" }, session)
      : session;
  const now = new Date();
  const followUp = current.mode === "bot" && current.follow_up_since === null;
  const [message] = await storeMessages(deps, {
    session: current,
    messages: [{ role: "user", content: text }],
    untitled: current.title === null ? current : undefined,
    also: followUp
      ? {
          writes: [deps.db.session.updateMany({ where: { id: current.id }, data: { follow_up_since: now } })],
          events: [
            {
              type: "session.updated",
              data: toSessionDto({ ...current, follow_up_since: now }),
              session_id: current.id,
            },
          ],
        }
      : undefined,
  });
  return { session_id: current.id, message: message! };
}

/** The stop link of an email: no more emails to the conversation's visitor. */
export async function stopEmails(deps: ChatDeps, token: string): Promise<{ stopped: true }> {
  const lower = token.toLowerCase();
  const session = REPLY_TOKEN_PATTERN.test(lower)
    ? await deps.db.session.findUnique({ where: { reply_token: lower } })
    : null;
  if (!session) throw new AppError("EMAIL_STOP_UNKNOWN_TOKEN");
  await deps.db.visitor.updateMany({
    where: { id: session.visitor_id, email_stopped_at: null },
    data: { email_stopped_at: new Date() },
  });
  return { stopped: true };
}
