import type { Db } from "../db/client";
import { logError, logger } from "../observability/logger";
import { smtpTransport } from "./transport";

/** A failed send is retried after 30 s, 1 min, 2 min … at most an hour apart, for 24 hours; then it is failed. */
export const EMAIL_RETRY_BASE_MS = 30_000;
const EMAIL_RETRY_MAX_MS = 60 * 60 * 1000;
export const EMAIL_GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
/** An attempt's lease: another worker takes the row only after this. */
const EMAIL_LEASE_MS = 2 * 60 * 1000;

export function emailRetryDelayMs(attempts: number): number {
  return Math.min(EMAIL_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1), EMAIL_RETRY_MAX_MS);
}

export interface EmailDeliveryConfig {
  db: Db;
  smtpUrl: string;
  from: string;
  holder: string;
  now: () => Date;
}

export type EmailOutcome = { id: string; status: "sent" | "retry" | "failed" };

/**
 * One round of the email outbox: the due rows (pending, next_attempt_at passed, not leased by another worker) are
 * leased to this worker one by one and sent through SMTP (nodemailer). Sent → status sent; a failure → attempts + 1
 * and the next attempt after the backoff, or failed once it has been retried for EMAIL_GIVE_UP_AFTER_MS. The
 * outcome of each attempt is recorded (last_error: the SMTP client's message, never the content).
 */
export async function runEmailRound(config: EmailDeliveryConfig, limit = 20): Promise<EmailOutcome[]> {
  const { db } = config;
  const now = config.now();
  const due = await db.emailOutbox.findMany({
    where: {
      status: "pending",
      next_attempt_at: { lte: now },
      OR: [{ lease_until: null }, { lease_until: { lt: now } }],
    },
    orderBy: [{ next_attempt_at: "asc" }, { id: "asc" }],
    take: limit,
  });
  const outcomes: EmailOutcome[] = [];
  for (const row of due) {
    const leaseUntil = new Date(now.getTime() + EMAIL_LEASE_MS);
    const { count } = await db.emailOutbox.updateMany({
      where: { id: row.id, status: "pending", OR: [{ lease_until: null }, { lease_until: { lt: now } }] },
      data: { lease_owner: config.holder, lease_until: leaseUntil },
    });
    if (Number(count) === 0) continue;
    const attempts = row.attempts + 1;
    try {
      const transport = await smtpTransport(config.smtpUrl);
      await transport.sendMail({
        from: config.from,
        to: row.to_address,
        subject: row.subject,
        text: row.text,
        html: row.html,
        ...(row.reply_to && { replyTo: row.reply_to }),
        headers: { "Auto-Submitted": "auto-generated" },
      });
      await db.emailOutbox.updateMany({
        where: { id: row.id, lease_owner: config.holder },
        // Once sent, the content is not kept (it may quote visitors): the record keeps who, what kind, when.
        data: {
          status: "sent",
          text: "",
          html: "",
          attempts,
          sent_at: config.now(),
          last_error: null,
          lease_owner: null,
          lease_until: null,
        },
      });
      outcomes.push({ id: row.id, status: "sent" });
    } catch (error) {
      const at = config.now();
      const givingUp = at.getTime() - row.created_at.getTime() >= EMAIL_GIVE_UP_AFTER_MS;
      await db.emailOutbox.updateMany({
        where: { id: row.id, lease_owner: config.holder },
        data: {
          status: givingUp ? "failed" : "pending",
          attempts,
          next_attempt_at: new Date(at.getTime() + emailRetryDelayMs(attempts)),
          last_error: (error instanceof Error ? error.message : String(error)).slice(0, 1000),
          lease_owner: null,
          lease_until: null,
        },
      });
      if (givingUp) logError("email: gave up sending after 24 hours", error, { email_id: row.id });
      else logger.warn({ email_id: row.id, attempts }, "email: sending failed, will retry");
      outcomes.push({ id: row.id, status: givingUp ? "failed" : "retry" });
    }
  }
  return outcomes;
}
