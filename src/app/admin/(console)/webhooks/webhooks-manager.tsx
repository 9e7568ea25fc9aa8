"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { WebhookEndpointDto } from "~/server/admin/webhooks/webhooks.schema";
import type { WebhookEventType } from "~/server/chat/events/catalogue";
import { useTRPC } from "~/trpc/react";
import { SecretOnce, SubmitWithError, useSecretOnce } from "../../_components/secret-once";

/**
 * Each webhook event type's description in the messages catalogue (its keys cannot hold dots). One per type of
 * the event catalogue: a new webhook event does not compile until it has one.
 */
const EVENT_DESCRIPTIONS = {
  "visitor.created": "visitorCreated",
  "session.created": "sessionCreated",
  "message.created": "messageCreated",
  "visitor.deleted": "visitorDeleted",
  "feedback.created": "feedbackCreated",
  "session.handoff_requested": "sessionHandoffRequested",
  "session.handoff_missed": "sessionHandoffMissed",
} as const satisfies Record<WebhookEventType, string>;

/** Times in the page's language, in UTC: the same moment for every admin whatever their zone. */
const WHEN = {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
} as const satisfies Intl.DateTimeFormatOptions;

/** Register (the secret is shown once), list, enable/disable and delete endpoints; their deliveries, with Resend. */
export function WebhooksManager({
  initial,
  eventTypes,
}: {
  initial: { items: WebhookEndpointDto[] };
  /** WEBHOOK_EVENT_TYPES of the event catalogue, from the server page. */
  eventTypes: readonly WebhookEventType[];
}) {
  const t = useTranslations("AdminWebhooks");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const endpoints = useQuery(trpc.admin.webhooks.list.queryOptions(undefined, { initialData: initial }));
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.webhooks.list.queryKey() });
  const create = useSecretOnce(trpc.admin.webhooks.create.mutationOptions(), refresh);
  const update = useMutation(trpc.admin.webhooks.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.admin.webhooks.delete.mutationOptions({ onSuccess: refresh }));

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    create.mutate(
      {
        url: String(data.get("url") ?? ""),
        events: eventTypes.filter((type) => data.getAll("events").includes(type)),
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <>
      <form className="filters" onSubmit={onCreate}>
        <label>
          {t("endpointUrl")}
          <input name="url" type="url" required placeholder={t("urlPlaceholder")} size={40} />
        </label>
        <fieldset style={{ border: 0, padding: 0 }}>
          <legend>{t("events")}</legend>
          {eventTypes.map((type) => (
            <label
              key={type}
              // One event per line, each row tall enough that its checkbox is a 24 px target (WCAG 2.5.8).
              style={{
                display: "flex",
                flexDirection: "row",
                alignItems: "center",
                gap: 6,
                minBlockSize: 28,
              }}
            >
              <input type="checkbox" name="events" value={type} defaultChecked /> <bdi>{type}</bdi>
              <span>({t(`eventTypes.${EVENT_DESCRIPTIONS[type]}`)})</span>
            </label>
          ))}
        </fieldset>
        <SubmitWithError pending={create.isPending} error={create.error}>
          {t("register")}
        </SubmitWithError>
      </form>
      {create.created && (
        <SecretOnce
          secret={create.created.secret}
          testId="new-webhook-secret"
          labels={{ done: t("done") }}
          onDone={create.dismiss}
        >
          {t.rich("registered", { url: create.created.url, strong: (chunks) => <strong>{chunks}</strong> })}
        </SecretOnce>
      )}
      {(update.error ?? remove.error) && (
        <p role="alert" className="error">
          {(update.error ?? remove.error)?.message}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>{t("columns.url")}</th>
            <th>{t("columns.events")}</th>
            <th>{t("columns.created")}</th>
            <th>{t("columns.status")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(endpoints.data?.items ?? []).map((endpoint) => (
            <EndpointRows
              key={endpoint.id}
              endpoint={endpoint}
              open={open === endpoint.id}
              onToggleOpen={() => setOpen(open === endpoint.id ? null : endpoint.id)}
              busy={update.isPending || remove.isPending}
              onEnable={(enabled) => update.mutate({ id: endpoint.id, enabled })}
              onDelete={() => {
                if (window.confirm(t("confirmDelete", { url: endpoint.url })))
                  remove.mutate({ id: endpoint.id });
              }}
            />
          ))}
          {endpoints.data?.items.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {t("empty")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}

function EndpointRows(props: {
  endpoint: WebhookEndpointDto;
  open: boolean;
  busy: boolean;
  onToggleOpen: () => void;
  onEnable: (enabled: boolean) => void;
  onDelete: () => void;
}) {
  const { endpoint } = props;
  const t = useTranslations("AdminWebhooks");
  const format = useFormatter();
  return (
    <>
      <tr data-testid="webhook-row">
        <td className="mono">
          <bdi>{endpoint.url}</bdi>
        </td>
        <td>{endpoint.events.join(", ")}</td>
        <td>{format.dateTime(new Date(endpoint.created_at), WHEN)}</td>
        <td>
          {endpoint.enabled ? (
            endpoint.failing_since ? (
              <span className="badge failed">
                {t("failingSince", { since: format.dateTime(new Date(endpoint.failing_since), WHEN) })}
              </span>
            ) : (
              <span className="badge complete">{t("enabled")}</span>
            )
          ) : (
            <span className="badge failed" title={endpoint.disabled_reason ?? undefined}>
              {endpoint.disabled_at
                ? t("disabledAt", { at: format.dateTime(new Date(endpoint.disabled_at), WHEN) })
                : t("disabled")}
            </span>
          )}
          {!endpoint.enabled && endpoint.disabled_reason && (
            <div className="muted">{endpoint.disabled_reason}</div>
          )}
        </td>
        <td>
          <button type="button" className="secondary" onClick={props.onToggleOpen}>
            {props.open ? t("hideDeliveries") : t("deliveries")}
          </button>{" "}
          <button
            type="button"
            className="secondary"
            disabled={props.busy}
            onClick={() => props.onEnable(!endpoint.enabled)}
          >
            {endpoint.enabled ? t("disable") : t("enable")}
          </button>{" "}
          <button type="button" className="danger" disabled={props.busy} onClick={props.onDelete}>
            {t("delete")}
          </button>
        </td>
      </tr>
      {props.open && (
        <tr>
          <td colSpan={5}>
            <Deliveries endpointId={endpoint.id} enabled={endpoint.enabled} />
          </td>
        </tr>
      )}
    </>
  );
}

function Deliveries({ endpointId, enabled }: { endpointId: string; enabled: boolean }) {
  const t = useTranslations("AdminWebhooks");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const options = trpc.admin.webhooks.deliveries.queryOptions({ id: endpointId, limit: 50 });
  const deliveries = useQuery({ ...options, refetchInterval: 5_000 });
  const resend = useMutation(
    trpc.admin.webhooks.resend.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: options.queryKey }),
    }),
  );
  if (deliveries.error)
    return (
      <p role="alert" className="error">
        {deliveries.error.message}
      </p>
    );
  const items = deliveries.data?.items ?? [];
  return (
    <>
      {resend.error && (
        <p role="alert" className="error">
          {resend.error.message}
        </p>
      )}
      <table data-testid="webhook-deliveries">
        <thead>
          <tr>
            <th>{t("deliveryColumns.event")}</th>
            <th>{t("deliveryColumns.created")}</th>
            <th>{t("deliveryColumns.status")}</th>
            <th>{t("deliveryColumns.attempts")}</th>
            <th>{t("deliveryColumns.lastAnswer")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((delivery) => (
            <tr key={delivery.id} data-testid="webhook-delivery-row">
              <td>
                {delivery.event_type}
                <div className="muted mono">{delivery.event_id}</div>
              </td>
              <td>{format.dateTime(new Date(delivery.created_at), WHEN)}</td>
              <td>
                <span className={`badge ${delivery.status === "succeeded" ? "complete" : delivery.status}`}>
                  {t(`deliveryStatus.${delivery.status}`)}
                </span>
                {delivery.next_attempt_at && (
                  <div className="muted">
                    {t("nextAttempt", { at: format.dateTime(new Date(delivery.next_attempt_at), WHEN) })}
                  </div>
                )}
              </td>
              <td>{format.number(delivery.attempts)}</td>
              <td>
                {delivery.last_status !== null ? (
                  <span className="mono">{t("httpStatus", { status: delivery.last_status })}</span>
                ) : (
                  <span className="muted">{delivery.last_error ?? t("notAttempted")}</span>
                )}
                {delivery.last_response && (
                  <div className="muted mono" style={{ maxInlineSize: 360, overflow: "hidden" }}>
                    {delivery.last_response.slice(0, 200)}
                  </div>
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="secondary"
                  disabled={!enabled || resend.isPending}
                  title={enabled ? undefined : t("enableFirst")}
                  onClick={() => resend.mutate({ id: endpointId, delivery_id: delivery.id })}
                >
                  {t("resend")}
                </button>
              </td>
            </tr>
          ))}
          {items.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {deliveries.isPending ? t("loading") : t("noDeliveries")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
