"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { TeamUserDto } from "~/server/admin/users/users.schema";
import { ADMIN_ROLES, ADMIN_USER_NAME_MAX_CHARS, type AdminRole } from "~/shared/roles";
import { MAX_AGENT_CAPACITY } from "~/shared/widget-settings";
import { useTRPC } from "~/trpc/react";
import { formatTime } from "../../_components/format";
import { ListTable } from "../../_components/list-result";
import { SecretOnce, SubmitWithError, useSecretOnce } from "../../_components/secret-once";
import { Options } from "../../_components/options";

/** Invite (the link is shown once), list, change roles, disable and enable team members, over tRPC. */
export function TeamManager({ initial, selfId }: { initial: { items: TeamUserDto[] }; selfId: string }) {
  const t = useTranslations("AdminTeam");
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.admin.users.list.queryOptions(undefined, { initialData: initial }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.list.queryKey() });
  const invite = useSecretOnce(trpc.admin.users.create.mutationOptions(), refresh);
  const update = useMutation(trpc.admin.users.update.mutationOptions({ onSuccess: refresh }));

  function onInvite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    invite.mutate(
      {
        email: String(data.get("email") ?? ""),
        name: String(data.get("name") ?? ""),
        role: String(data.get("role") ?? "agent") as AdminRole,
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <>
      <form className="filters" onSubmit={onInvite}>
        <label>
          {t("email")}
          <input name="email" type="email" required size={28} />
        </label>
        <label>
          {t("name")}
          <input name="name" required maxLength={ADMIN_USER_NAME_MAX_CHARS} size={20} />
        </label>
        <label>
          {t("role")}
          <select name="role" defaultValue="agent">
            <Options values={ADMIN_ROLES} label={(role) => t(`roles.${role}`)} />
          </select>
        </label>
        <SubmitWithError pending={invite.isPending} error={invite.error}>
          {t("invite")}
        </SubmitWithError>
      </form>
      {invite.created && (
        <SecretOnce
          secret={invite.created.invite_url}
          testId="invite-url"
          labels={{ done: t("done"), copy: t("copy"), copied: t("copied") }}
          onDone={invite.dismiss}
        >
          {t.rich("invited", { name: invite.created.name, strong: (chunks) => <strong>{chunks}</strong> })}
        </SecretOnce>
      )}
      {update.error && (
        <p role="alert" className="error">
          {update.error.message}
        </p>
      )}
      <ListTable
        items={users.data?.items ?? []}
        headings={[
          t("columns.user"),
          t("columns.role"),
          t("columns.capacity"),
          t("columns.since"),
          t("columns.status"),
        ]}
        actions={t("columns.actions")}
        empty={t("empty")}
        row={(user) => (
          <tr key={user.id} data-testid="team-row">
            <td>
              {user.name}
              <div className="muted">{user.email}</div>
            </td>
            <td>
              <select
                aria-label={t("roleOf", { name: user.name })}
                value={user.role}
                disabled={update.isPending}
                onChange={(event) => update.mutate({ id: user.id, role: event.target.value as AdminRole })}
              >
                <Options values={ADMIN_ROLES} label={(role) => t(`roles.${role}`)} />
              </select>
            </td>
            <td>
              <CapacityInput
                key={`${user.id}:${user.capacity ?? ""}`}
                user={user}
                disabled={update.isPending}
                onSave={(capacity) => update.mutate({ id: user.id, capacity })}
              />
            </td>
            <td>{formatTime(user.created_at, "minute", locale)}</td>
            <td>
              {user.disabled ? (
                <span className="badge failed">{t("disabled")}</span>
              ) : user.invite_pending ? (
                <span className="badge">{t("invitePending")}</span>
              ) : (
                <span className="badge complete">{t("active")}</span>
              )}
            </td>
            <td>
              {user.id !== selfId &&
                (user.disabled ? (
                  <button
                    type="button"
                    className="secondary"
                    disabled={update.isPending}
                    onClick={() => update.mutate({ id: user.id, disabled: false })}
                  >
                    {t("enable")}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="danger"
                    disabled={update.isPending}
                    onClick={() => {
                      if (window.confirm(t("confirmDisable", { name: user.name })))
                        update.mutate({ id: user.id, disabled: true });
                    }}
                  >
                    {t("disable")}
                  </button>
                ))}
            </td>
          </tr>
        )}
      />
    </>
  );
}

/**
 * A person's auto-assignment capacity: a number, or empty for the team's (the settings' agent_capacity). Saved
 * when it changes and the field is left (or Enter); the server checks the range and says what is wrong.
 */
function CapacityInput({
  user,
  disabled,
  onSave,
}: {
  user: TeamUserDto;
  disabled: boolean;
  onSave: (capacity: number | null) => void;
}) {
  const t = useTranslations("AdminTeam");
  const [value, setValue] = useState(user.capacity === null ? "" : String(user.capacity));
  const save = () => {
    const capacity = value.trim() === "" ? null : Number(value);
    if (capacity !== user.capacity) onSave(capacity);
  };
  return (
    <input
      type="number"
      inputMode="numeric"
      min={1}
      max={MAX_AGENT_CAPACITY}
      size={4}
      className="capacity"
      aria-label={t("capacityOf", { name: user.name })}
      placeholder={t("capacityTeam")}
      title={t("capacityHint")}
      value={value}
      disabled={disabled}
      onChange={(event) => setValue(event.target.value)}
      onBlur={save}
      onKeyDown={(event) => {
        if (event.key === "Enter") save();
      }}
    />
  );
}
