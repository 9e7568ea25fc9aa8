import { emailEnabled, type ChatDeps } from "../deps";
import { agentAlertEmail, digestEmail } from "./email-content";
import { queueEmail, siteTitleOf } from "./outbox";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Who gets alert emails: every admin user, unless they turned alerts off (agent_alert_preferences: a row only for
 * those who changed it, so alerts are on by default).
 */
async function alertRecipients(deps: ChatDeps): Promise<string[]> {
  const [users, off] = await Promise.all([
    deps.db.adminUser.findMany({ select: { id: true, email: true } }),
    deps.db.agentAlertPreference.findMany({ where: { email_alerts: false }, select: { user_id: true } }),
  ]);
  const silenced = new Set(off.map((row) => row.user_id));
  return users.filter((user) => !silenced.has(user.id)).map((user) => user.email);
}

/** The write that turns an admin user's alert emails on or off (their choice; run it in the audited change). */
export function emailAlertsWrite(deps: Pick<ChatDeps, "db">, userId: string, on: boolean) {
  return deps.db.agentAlertPreference.upsert({
    where: { user_id: userId },
    create: { user_id: userId, email_alerts: on },
    update: { email_alerts: on, updated_at: new Date() },
  });
}

export async function getEmailAlerts(deps: ChatDeps, userId: string): Promise<{ email_alerts: boolean }> {
  const row = await deps.db.agentAlertPreference.findUnique({ where: { user_id: userId } });
  return { email_alerts: row?.email_alerts ?? true };
}

/**
 * Alerts the agents by email about requests for a person that wait: still unclaimed AGENT_ALERT_AFTER_SECONDS after
 * they were made, or made while nobody was online (in the follow-up queue at once). At most one alert per
 * conversation (`agents_alerted_at`, set in the transaction that queues the emails). Answers the conversations
 * alerted about.
 */
export async function queueAgentAlerts(deps: ChatDeps, now: Date): Promise<number> {
  const config = deps.config.email;
  if (!emailEnabled(config)) return 0;
  const waitedSince = new Date(now.getTime() - config.agentAlertAfterMs);
  const due = await deps.db.session.findMany({
    where: {
      agents_alerted_at: null,
      OR: [
        { mode: "waiting", handoff_requested_at: { lte: waitedSince } },
        { mode: { not: "closed" }, follow_up_since: { not: null } },
      ],
    },
    include: { visitor: { select: { email: true } } },
    orderBy: [{ handoff_requested_at: "asc" }, { id: "asc" }],
    take: 50,
  });
  if (due.length === 0) return 0;
  const recipients = await alertRecipients(deps);
  const siteTitle = await siteTitleOf(deps.db);
  let alerted = 0;
  for (const session of due) {
    const last = await deps.db.message.findFirst({
      where: { session_id: session.id, role: "user" },
      orderBy: [{ created_at: "desc" }, { id: "desc" }],
      select: { content: true },
    });
    const email = agentAlertEmail({
      siteTitle,
      conversationTitle: session.title ?? "Untitled conversation",
      lastMessage: last?.content.slice(0, 500) ?? null,
      visitorEmail: session.visitor.email,
      inboxUrl: `${config.publicUrl}/admin/inbox`,
      nobodyOnline: session.mode !== "waiting",
    });
    const done = await deps.db.$transaction(async (tx) => {
      const { count } = await tx.session.updateMany({
        where: { id: session.id, agents_alerted_at: null },
        data: { agents_alerted_at: now },
      });
      if (Number(count) === 0) return false;
      for (const to of recipients)
        await queueEmail(tx, { ...email, kind: "agent_alert", to, sessionId: session.id, at: now });
      return true;
    });
    if (done) alerted += 1;
  }
  return alerted;
}

/**
 * Once a day, each agent who gets alerts receives the follow-up queue (when it is not empty). "Once a day" is read
 * from the outbox: no digest queued in the last 24 hours.
 */
export async function queueDailyDigest(deps: ChatDeps, now: Date): Promise<number> {
  const config = deps.config.email;
  if (!emailEnabled(config)) return 0;
  const recent = await deps.db.emailOutbox.count({
    where: { kind: "digest", created_at: { gt: new Date(now.getTime() - DAY_MS) } },
  });
  if (recent > 0) return 0;
  const queue = await deps.db.session.findMany({
    where: { follow_up_since: { not: null } },
    include: { visitor: { select: { email: true } } },
    orderBy: [{ follow_up_since: "desc" }, { id: "desc" }],
    take: 100,
  });
  if (queue.length === 0) return 0;
  const recipients = await alertRecipients(deps);
  const email = digestEmail({
    siteTitle: await siteTitleOf(deps.db),
    items: queue.map((session) => ({
      title: session.title ?? "Untitled conversation",
      visitorEmail: session.visitor.email,
      since: session.follow_up_since!.toISOString().slice(0, 16).replace("T", " ") + " UTC",
      url: `${config.publicUrl}/admin/sessions/${session.id}`,
    })),
  });
  await deps.db.$transaction(async (tx) => {
    for (const to of recipients) await queueEmail(tx, { ...email, kind: "digest", to, at: now });
  });
  return recipients.length;
}
