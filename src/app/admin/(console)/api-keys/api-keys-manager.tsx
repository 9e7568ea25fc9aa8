"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { ApiKeyDto } from "~/server/admin/api-keys/api-keys.schema";
import { useTRPC } from "~/trpc/react";
import { formatTime } from "../../_components/format";

/** Create (the key is shown once), list and revoke API keys, over tRPC. */
export function ApiKeysManager({ initial }: { initial: { items: ApiKeyDto[] } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.admin.apiKeys.list.queryOptions(undefined, { initialData: initial }));
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.apiKeys.list.queryKey() });
  const create = useMutation(
    trpc.admin.apiKeys.create.mutationOptions({
      onSuccess: async (result) => {
        setCreated({ name: result.api_key.name, key: result.key });
        setCopied(false);
        await refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.admin.apiKeys.revoke.mutationOptions({ onSuccess: refresh }));

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    create.mutate({ name: String(new FormData(form).get("name") ?? "") }, { onSuccess: () => form.reset() });
  }

  return (
    <>
      <form className="filters" onSubmit={onCreate}>
        <label>
          New key name
          <input name="name" required maxLength={100} placeholder="e.g. CRM sync" size={30} />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create key
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
            Key <strong>{created.name}</strong> created. Copy it now: it will not be shown again.
          </p>
          <code data-testid="new-api-key" style={{ userSelect: "all", fontSize: 14 }}>
            {created.key}
          </code>{" "}
          <button
            type="button"
            className="secondary"
            onClick={async () => {
              await navigator.clipboard.writeText(created.key);
              setCopied(true);
            }}
          >
            {copied ? "Copied" : "Copy"}
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Key</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Status</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(keys.data?.items ?? []).map((key) => (
            <tr key={key.id} data-testid="api-key-row">
              <td>{key.name}</td>
              <td className="mono">{key.prefix}…</td>
              <td>
                {formatTime(key.created_at)}
                {key.created_by && <div className="muted">by {key.created_by}</div>}
              </td>
              <td>
                {key.last_used_at ? formatTime(key.last_used_at) : <span className="muted">never</span>}
              </td>
              <td>
                {key.revoked_at ? (
                  <span className="badge failed">revoked {formatTime(key.revoked_at)}</span>
                ) : (
                  <span className="badge complete">active</span>
                )}
              </td>
              <td>
                {!key.revoked_at && (
                  <button
                    type="button"
                    className="danger"
                    disabled={revoke.isPending}
                    onClick={() => {
                      if (window.confirm(`Revoke “${key.name}”? Systems using it stop working at once.`))
                        revoke.mutate({ id: key.id });
                    }}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
          {keys.data?.items.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No API keys yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
