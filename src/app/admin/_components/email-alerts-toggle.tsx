"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";

/**
 * The signed-in admin's alert emails, on or off (admin.email.setAlerts; the rule and its audit entry live in
 * src/server/admin/email/email-admin.service.ts). Shown on /admin/profile and in the inbox's email line. Nothing
 * while email is off on the server (`offNote` then, when given) or for an API key.
 */
export function EmailAlertsToggle({ offNote }: { offNote?: string }) {
  const tf = useTranslations("AdminFollowUp.emailStatus");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.admin.email.status.queryOptions(undefined));
  const setAlerts = useMutation(
    trpc.admin.email.setAlerts.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.admin.email.status.queryKey(undefined), data),
    }),
  );
  if (!status.data) return null;
  const { enabled, email_alerts } = status.data;
  if (!enabled) return offNote ? <p className="muted">{offNote}</p> : null;
  if (email_alerts === null) return null;
  return (
    <label className="inbox-check" data-testid="email-alerts-toggle">
      <input
        type="checkbox"
        checked={email_alerts}
        disabled={setAlerts.isPending}
        onChange={(event) => setAlerts.mutate({ email_alerts: event.target.checked })}
      />{" "}
      {tf("alerts")}
    </label>
  );
}
