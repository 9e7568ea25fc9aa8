"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

/** Posts to Better Auth's email sign-in; on success the session cookie is set and the admin pages load. */
export function SignInForm({ next }: { next: string }) {
  const t = useTranslations("AdminSignIn");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const response = await fetch("/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: form.get("email"), password: form.get("password"), rememberMe: true }),
      });
      if (response.ok) {
        router.replace(next);
        router.refresh();
        return;
      }
      setError(
        response.status === 429
          ? t("errors.tooMany")
          : response.status === 403
            ? t("errors.disabled")
            : response.status === 401 || response.status === 400
              ? t("errors.wrong")
              : t("errors.unavailable"),
      );
    } catch {
      setError(t("errors.unreachable"));
    }
    setBusy(false);
  }

  return (
    <form onSubmit={onSubmit}>
      <h1>{t("heading")}</h1>
      <label>
        {t("email")}
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        {t("password")}
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && (
        <p role="alert" className="error" style={{ margin: 0 }}>
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? t("submitting") : t("submit")}
      </button>
      <p className="muted" style={{ margin: 0, fontSize: 12 }}>
        {t.rich("noAccount", { code: (chunks) => <code>{chunks}</code> })}
      </p>
    </form>
  );
}
