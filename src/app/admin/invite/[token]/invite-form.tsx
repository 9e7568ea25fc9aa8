"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { acceptInviteAction } from "./actions";
import { NewPasswordInput } from "../../_components/new-password-input";

/** Sets the invited user's password, then sends them to sign in. */
export function InviteForm({ token, email, name }: { token: string; email: string; name: string }) {
  const t = useTranslations("AdminInvite");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("repeat") ?? "")) {
      setError(t("differ"));
      return;
    }
    setBusy(true);
    setError(null);
    const result = await acceptInviteAction(token, password).catch(() => null);
    if (result?.ok) {
      router.replace("/admin/sign-in");
      return;
    }
    setError(result ? result.error : t("unreachable"));
    setBusy(false);
  }

  return (
    <form onSubmit={onSubmit}>
      <h1>{t("heading")}</h1>
      <p className="muted">{t("welcome", { name, email })}</p>
      <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
      <label>
        {t("password")}
        <NewPasswordInput name="password" autoFocus />
      </label>
      <label>
        {t("repeat")}
        <NewPasswordInput name="repeat" />
      </label>
      {error && (
        <p role="alert" className="error" style={{ margin: 0 }}>
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t("submit")}
      </button>
    </form>
  );
}
