"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { WebhookEndpointDto } from "~/server/admin/webhooks/webhooks.schema";
import { useTRPC } from "~/trpc/react";
import { formatTime } from "../../_components/format";

type EventType = "visitor.created" | "session.created" | "message.created";

/** Register (the secret is shown once), list, enable/disable and delete endpoints; their deliveries, with Resend. */
export function WebhooksManager({
  initial,
  eventTypes,
}: {
  initial: { items: WebhookEndpointDto[] };
  eventTypes: string[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const endpoints = useQuery(trpc.admin.webhooks.list.queryOptions(undefined, { initialData: initial }));
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.webhooks.list.queryKey() });
  const create = useMutation(
    trpc.admin.webhooks.create.mutationOptions({
      onSuccess: async (result) => {
        setCreated({ url: result.url, secret: result.secret });
        await refresh();
      },
    }),
  );
  const update = useMutation(trpc.admin.webhooks.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.admin.webhooks.delete.mutationOptions({ onSuccess: refresh }));

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    create.mutate(
      { url: String(data.get("url") ?? ""), events: data.getAll("events").map(String) as EventType[] },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <>
      <form className="filters" onSubmit={onCreate}>
        <label>
          Endpoint URL
          <input name="url" type="url" required placeholder="https://example.com/hooks/chat" size={40} />
        </label>
        <fieldset style={{ border: 0, padding: 0 }}>
          <legend>Events</legend>
          {eventTypes.map((type) => (
            <label key={type} style={{ marginRight: 12 }}>
              <input type="checkbox" name="events" value={type} defaultChecked /> {type}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={create.isPending}>
          Register endpoint
        </button>
        {create.error && (
          <span role="alert" className="error">
            {create.error.message}
          </span>
        )}
      </form>
      {created && (
        <div className="notice" role="status">
          <p style={{ marginTop: 0 }}>
            Endpoint <strong>{created.url}</strong> registered. Copy its signing secret now: it will not be
            shown again.
          </p>
          <code data-testid="new-webhook-secret" style={{ userSelect: "all", fontSize: 14 }}>
            {created.secret}
          </code>{" "}
          <button type="button" className="secondary" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {(update.error ?? remove.error) && (
        <p role="alert" className="error">
          {(update.error ?? remove.error)?.message}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>URL</th>
            <th>Events</th>
            <th>Created</th>
            <th>Status</th>
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
                if (
                  window.confirm(`Delete the endpoint ${endpoint.url}? Its pending deliveries are not sent.`)
                )
                  remove.mutate({ id: endpoint.id });
              }}
            />
          ))}
          {endpoints.data?.items.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No webhook endpoints yet.
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
  return (
    <>
      <tr data-testid="webhook-row">
        <td className="mono">{endpoint.url}</td>
        <td>{endpoint.events.join(", ")}</td>
        <td>{formatTime(endpoint.created_at)}</td>
        <td>
          {endpoint.enabled ? (
            endpoint.failing_since ? (
              <span className="badge failed">failing since {formatTime(endpoint.failing_since)}</span>
            ) : (
              <span className="badge complete">enabled</span>
            )
          ) : (
            <span className="badge failed" title={endpoint.disabled_reason ?? undefined}>
              disabled {endpoint.disabled_at ? formatTime(endpoint.disabled_at) : ""}
            </span>
          )}
          {!endpoint.enabled && endpoint.disabled_reason && (
            <div className="muted">{endpoint.disabled_reason}</div>
          )}
        </td>
        <td>
          <button type="button" className="secondary" onClick={props.onToggleOpen}>
            {props.open ? "Hide deliveries" : "Deliveries"}
          </button>{" "}
          <button
            type="button"
            className="secondary"
            disabled={props.busy}
            onClick={() => props.onEnable(!endpoint.enabled)}
          >
            {endpoint.enabled ? "Disable" : "Enable"}
          </button>{" "}
          <button type="button" className="danger" disabled={props.busy} onClick={props.onDelete}>
            Delete
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
            <th>Event</th>
            <th>Created</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last answer</th>
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
              <td>{formatTime(delivery.created_at)}</td>
              <td>
                <span className={`badge ${delivery.status === "succeeded" ? "complete" : delivery.status}`}>
                  {delivery.status}
                </span>
                {delivery.next_attempt_at && (
                  <div className="muted">next {formatTime(delivery.next_attempt_at)}</div>
                )}
              </td>
              <td>{delivery.attempts}</td>
              <td>
                {delivery.last_status !== null ? (
                  <span className="mono">HTTP {delivery.last_status}</span>
                ) : (
                  <span className="muted">{delivery.last_error ?? "not attempted yet"}</span>
                )}
                {delivery.last_response && (
                  <div className="muted mono" style={{ maxWidth: 360, overflow: "hidden" }}>
                    {delivery.last_response.slice(0, 200)}
                  </div>
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="secondary"
                  disabled={!enabled || resend.isPending}
                  title={enabled ? undefined : "Enable the endpoint first"}
                  onClick={() => resend.mutate({ id: endpointId, delivery_id: delivery.id })}
                >
                  Resend
                </button>
              </td>
            </tr>
          ))}
          {items.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {deliveries.isPending ? "Loading…" : "No deliveries yet."}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
