"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

/** Posts to Better Auth's email sign-in; on success the session cookie is set and the admin pages load. */
export function SignInForm({ next }: { next: string }) {
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
          ? "Too many sign-in attempts. Wait a minute, then try again."
          : response.status === 401 || response.status === 400
            ? "Wrong email or password."
            : "Could not sign in right now. Try again in a moment.",
      );
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    }
    setBusy(false);
  }

  return (
    <form onSubmit={onSubmit}>
      <h1>Sign in to the admin</h1>
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && (
        <p role="alert" className="error" style={{ margin: 0 }}>
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      <p className="muted" style={{ margin: 0, fontSize: 12 }}>
        No account? An administrator creates one with <code>npm run admin:create</code>.
      </p>
    </form>
  );
}
