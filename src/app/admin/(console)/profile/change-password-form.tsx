"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { NewPasswordInput } from "../../_components/new-password-input";

/**
 * Changes the signed-in user's password through Better Auth (POST /api/auth/change-password: the current password
 * is checked, the length rule is the sign-in's, 12–256 characters; the user's other sessions are signed out).
 */
export function ChangePasswordForm() {
  const t = useTranslations("AdminProfile");
  const [state, setState] = useState<{ kind: "idle" | "busy" | "done" } | { kind: "error"; message: string }>(
    {
      kind: "idle",
    },
  );
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get("current") ?? "");
    const newPassword = String(data.get("new") ?? "");
    if (newPassword !== String(data.get("repeat") ?? "")) {
      setState({ kind: "error", message: t("differ") });
      return;
    }
    setState({ kind: "busy" });
    try {
      const response = await fetch("/api/auth/change-password", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ currentPassword, newPassword, revokeOtherSessions: true }),
      });
      if (response.ok) {
        form.reset();
        setState({ kind: "done" });
        return;
      }
      const body = (await response.json().catch(() => null)) as { message?: string } | null;
      setState({
        kind: "error",
        message: t("failed", { message: body?.message ?? String(response.status) }),
      });
    } catch (error) {
      setState({ kind: "error", message: t("failed", { message: String(error) }) });
    }
  }
  return (
    <form onSubmit={submit} data-testid="change-password">
      <label>
        {t("currentPassword")}
        <input name="current" type="password" autoComplete="current-password" required />
      </label>
      <label>
        {t("newPassword")}
        <NewPasswordInput name="new" />
      </label>
      <label>
        {t("repeatPassword")}
        <NewPasswordInput name="repeat" />
      </label>
      <button type="submit" disabled={state.kind === "busy"}>
        {t("submit")}
      </button>
      {state.kind === "done" && <p role="status">{t("changed")}</p>}
      {state.kind === "error" && (
        <p role="alert" className="error">
          {state.message}
        </p>
      )}
    </form>
  );
}
