"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

/** Signs out through Better Auth (its session row is deleted, so the cookie stops working everywhere at once). */
export function SignOutButton() {
  const t = useTranslations("AdminNav");
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      disabled={busy}
      style={{ marginBlockStart: 8 }}
      onClick={async () => {
        setBusy(true);
        await fetch("/api/auth/sign-out", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        });
        router.replace("/admin/sign-in");
        router.refresh();
      }}
    >
      {t("signOut")}
    </button>
  );
}
