"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import type { FormEvent } from "react";
import type { ApiKeyDto } from "~/server/admin/api-keys/api-keys.schema";
import { API_KEY_NAME_MAX_CHARS } from "~/shared/limits";
import { AGENT_NAME_MAX_CHARS, API_KEY_SCOPES, type ApiKeyScope } from "~/shared/roles";
import { useTRPC } from "~/trpc/react";
import { formatTime } from "../../_components/format";
import { ListTable } from "../../_components/list-result";
import { SecretOnce, SubmitWithError, useSecretOnce } from "../../_components/secret-once";
import { Options } from "../../_components/options";

/** Create (the key is shown once), list and revoke API keys, over tRPC. */
export function ApiKeysManager({ initial }: { initial: { items: ApiKeyDto[] } }) {
  const t = useTranslations("AdminApiKeys");
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.admin.apiKeys.list.queryOptions(undefined, { initialData: initial }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.apiKeys.list.queryKey() });
  const create = useSecretOnce(trpc.admin.apiKeys.create.mutationOptions(), refresh);
  const revoke = useMutation(trpc.admin.apiKeys.revoke.mutationOptions({ onSuccess: refresh }));

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const agentName = String(data.get("agent_name") ?? "").trim();
    create.mutate(
      {
        name: String(data.get("name") ?? ""),
        scopes: [String(data.get("scope") ?? "admin") as ApiKeyScope],
        ...(agentName && { agent_name: agentName }),
      },
      { onSuccess: () => form.reset() },
    );
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
        <label>
          {t("scope")}
          <select name="scope" defaultValue="agent">
            <Options values={API_KEY_SCOPES} label={(scope) => t(`scopes.${scope}`)} />
          </select>
        </label>
        <label>
          {t("agentName")}
          <input
            name="agent_name"
            maxLength={AGENT_NAME_MAX_CHARS}
            placeholder={t("agentNamePlaceholder")}
            size={20}
          />
        </label>
        <SubmitWithError pending={create.isPending} error={create.error}>
          {t("create")}
        </SubmitWithError>
      </form>
      {create.created && (
        <SecretOnce
          secret={create.created.key}
          testId="new-api-key"
          labels={{ done: t("done"), copy: t("copy"), copied: t("copied") }}
          onDone={create.dismiss}
        >
          {t.rich("created", {
            name: create.created.api_key.name,
            strong: (chunks) => <strong>{chunks}</strong>,
          })}
        </SecretOnce>
      )}
      <ListTable
        items={keys.data?.items ?? []}
        headings={[
          t("columns.name"),
          t("columns.key"),
          t("columns.created"),
          t("columns.lastUsed"),
          t("columns.status"),
        ]}
        actions={t("columns.actions")}
        empty={t("empty")}
        row={(key) => (
          <tr key={key.id} data-testid="api-key-row">
            <td>{key.name}</td>
            <td>
              <span className="mono">{key.prefix}…</span>
              <div className="muted">
                {key.scopes.map((scope) => t(`scopes.${scope}`)).join(", ")}
                {key.agent_name && ` · ${t("actsAs", { name: key.agent_name })}`}
              </div>
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
                    if (window.confirm(t("confirmRevoke", { name: key.name }))) revoke.mutate({ id: key.id });
                  }}
                >
                  {t("revoke")}
                </button>
              )}
            </td>
          </tr>
        )}
      />
    </>
  );
}
