import { z } from "zod";
import type { AuditBy } from "../../chat/audit/audit-record";
import { emailEnabled, type ChatDeps } from "../../chat/deps";
import { emailAlertsWrite, getEmailAlerts } from "../../chat/email/agent-alerts";
import { commitChange } from "../../chat/events/commit-change";
import { AppError } from "../../errors/app-error";
import type { AdminPrincipal } from "../auth/admin-access";

export const emailStatusSchema = z
  .object({
    enabled: z.boolean().meta({ description: "SMTP_URL and MAIL_FROM are set: emails are sent." }),
    replies_enabled: z.boolean().meta({
      description: "INBOUND_EMAIL_DOMAIN and INBOUND_EMAIL_SECRET are set: replies by email come back.",
    }),
    continuity_delay_seconds: z.number().int(),
    agent_alert_after_seconds: z.number().int(),
    email_alerts: z.boolean().nullable().meta({
      description: "The signed-in admin's alert emails (on by default); null for an API key (no address).",
    }),
  })
  .meta({ id: "EmailStatus" });
export type EmailStatusDto = z.infer<typeof emailStatusSchema>;

export const setEmailAlertsInputSchema = z.strictObject({
  email_alerts: z
    .boolean()
    .meta({ description: "Alert emails on (true) or off (false) for the signed-in admin." }),
});

/** Whether email is on, and the signed-in admin's alert preference (the inbox and /admin/settings show it). */
export async function emailStatus(deps: ChatDeps, principal: AdminPrincipal): Promise<EmailStatusDto> {
  const config = deps.config.email;
  return {
    enabled: emailEnabled(config),
    replies_enabled: config.inboundDomain !== undefined && config.inboundSecret !== undefined,
    continuity_delay_seconds: Math.round(config.continuityDelayMs / 1000),
    agent_alert_after_seconds: Math.round(config.agentAlertAfterMs / 1000),
    email_alerts:
      principal.kind === "session" ? (await getEmailAlerts(deps, principal.userId)).email_alerts : null,
  };
}

/** The signed-in admin turns their alert emails on or off (audited). */
export async function setMyEmailAlerts(
  deps: ChatDeps,
  principal: AdminPrincipal,
  on: boolean,
  by: AuditBy,
): Promise<EmailStatusDto> {
  if (principal.kind !== "session") throw new AppError("EMAIL_ALERTS_NEED_SIGN_IN");
  await commitChange(deps, {
    writes: [emailAlertsWrite(deps, principal.userId, on)],
    audit: {
      ...by,
      action: "email_alerts.changed",
      object: { type: "admin_user", id: principal.userId },
      detail: { on },
    },
  });
  return emailStatus(deps, principal);
}
