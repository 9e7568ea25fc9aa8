"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { ApiKeyDto } from "~/server/admin/api-keys/api-keys.schema";
import { API_KEY_NAME_MAX_CHARS } from "~/shared/limits";
import { useTRPC } from "~/trpc/react";
import { formatTime } from "../../_components/format";

/** Create (the key is shown once), list and revoke API keys, over tRPC. */
export function ApiKeysManager({ initial }: { initial: { items: ApiKeyDto[] } }) {
  const t = useTranslations("AdminApiKeys");
  const locale = useLocale();
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
          {t("newKeyName")}
          <input
            name="name"
            required
            maxLength={API_KEY_NAME_MAX_CHARS}
            placeholder={t("namePlaceholder")}
            size={30}
          />
        </label>
        <button type="submit" disabled={create.isPending}>
          {t("create")}
        </button>
        {create.error && (
          <span role="alert" className="error">
            {create.error.message}
          </span>
        )}
      </form>
      {created && (
        <div className="notice" role="status">
          <p style={{ marginBlockStart: 0 }}>
            {t.rich("created", { name: created.name, strong: (chunks) => <strong>{chunks}</strong> })}
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
            {copied ? t("copied") : t("copy")}
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setCreated(null)}>
            {t("done")}
          </button>
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th>{t("columns.name")}</th>
            <th>{t("columns.key")}</th>
            <th>{t("columns.created")}</th>
            <th>{t("columns.lastUsed")}</th>
            <th>{t("columns.status")}</th>
            <th>
              <span className="sr-only">{t("columns.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(keys.data?.items ?? []).map((key) => (
            <tr key={key.id} data-testid="api-key-row">
              <td>{key.name}</td>
              <td>
                <span className="mono">{key.prefix}…</span>
              </td>
              <td>
                {formatTime(key.created_at, "minute", locale)}
                {key.created_by && <div className="muted">{t("createdBy", { name: key.created_by })}</div>}
              </td>
              <td>
                {key.last_used_at ? (
                  formatTime(key.last_used_at, "minute", locale)
                ) : (
                  <span className="muted">{t("never")}</span>
                )}
              </td>
              <td>
                {key.revoked_at ? (
                  <span className="badge failed">
                    {t("revokedAt", { time: formatTime(key.revoked_at, "minute", locale) })}
                  </span>
                ) : (
                  <span className="badge complete">{t("active")}</span>
                )}
              </td>
              <td>
                {!key.revoked_at && (
                  <button
                    type="button"
                    className="danger"
                    disabled={revoke.isPending}
                    onClick={() => {
                      if (window.confirm(t("confirmRevoke", { name: key.name })))
                        revoke.mutate({ id: key.id });
                    }}
                  >
                    {t("revoke")}
                  </button>
                )}
              </td>
            </tr>
          ))}
          {keys.data?.items.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {t("empty")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
