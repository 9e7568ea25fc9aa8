import { Prisma } from "~/generated/prisma-postgresql/client";
import { emailEnabled, type ChatDeps } from "../deps";
import { continuityEmail } from "./email-content";
import { queueVisitorEmail } from "./visitor-email";

/**
 * Email continuity: an agent's messages reach a visitor who is not following the conversation live, by email.
 *
 * A conversation is due when its visitor left an address (and did not stop emails), has had no open event stream
 * for EMAIL_CONTINUITY_DELAY_SECONDS (`visitor_live_until` that far in the past, or never followed), and has agent
 * messages written after both the last email (`emailed_through`) and the moment the visitor stopped following
 * (messages written while the widget was open were seen live), the oldest of them at least the delay old. All of
 * them go in ONE email; `emailed_through` moves to the newest, in the transaction that queues it.
 */
export async function queueContinuityEmails(deps: ChatDeps, now: Date, limit = 50): Promise<number> {
  const config = deps.config.email;
  if (!emailEnabled(config)) return 0;
  const cutoff = new Date(now.getTime() - config.continuityDelayMs);
  const due = await deps.db.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT s.id FROM sessions s JOIN visitors v ON v.id = s.visitor_id
    WHERE v.email IS NOT NULL AND v.email_stopped_at IS NULL
      AND (s.visitor_live_until IS NULL OR s.visitor_live_until <= ${cutoff})
      AND EXISTS (
        SELECT 1 FROM messages m
        WHERE m.session_id = s.id AND m.role = 'agent' AND m.created_at <= ${cutoff}
          AND (s.emailed_through IS NULL OR m.created_at > s.emailed_through)
          AND (s.visitor_live_until IS NULL OR m.created_at > s.visitor_live_until)
      )
    LIMIT ${limit}`);
  let queued = 0;
  for (const { id } of due) if (await queueOne(deps, id, now, cutoff)) queued += 1;
  return queued;
}

async function queueOne(deps: ChatDeps, sessionId: string, now: Date, cutoff: Date): Promise<boolean> {
  const config = deps.config.email;
  return deps.db.$transaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id: sessionId }, include: { visitor: true } });
    if (!session?.visitor.email || session.visitor.email_stopped_at) return false;
    if (session.visitor_live_until && session.visitor_live_until > cutoff) return false;
    const after = [session.emailed_through, session.visitor_live_until].filter(
      (date): date is Date => !!date,
    );
    const since = after.length > 0 ? new Date(Math.max(...after.map((date) => date.getTime()))) : undefined;
    const messages = await tx.message.findMany({
      where: { session_id: sessionId, role: "agent", ...(since && { created_at: { gt: since } }) },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
    });
    if (messages.length === 0 || messages[0]!.created_at > cutoff) return false;
    const through = messages.at(-1)!.created_at;
    // Moves emailed_through only from the value read: a second worker would find nothing left to send.
    const { count } = await tx.session.updateMany({
      where: { id: sessionId, emailed_through: session.emailed_through },
      data: { emailed_through: through },
    });
    if (Number(count) === 0) return false;
    await queueVisitorEmail(tx, config, session, {
      kind: "continuity",
      to: session.visitor.email,
      at: now,
      compose: (links) =>
        continuityEmail({
          ...links,
          agentName: messages.at(-1)!.author_name ?? "Support",
          messages: messages.map((message) => message.content),
        }),
    });
    return true;
  });
}
