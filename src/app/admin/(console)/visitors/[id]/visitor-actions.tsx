"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";

/** Export (a JSON download of everything of the visitor) and delete (after a confirmation), both audited. */
export function VisitorActions({ visitorId, sessionCount }: { visitorId: string; sessionCount: number }) {
  const t = useTranslations("AdminVisitors.actions");
  const tc = useTranslations("AdminCommon");
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const erase = useMutation(
    trpc.admin.visitors.delete.mutationOptions({
      onSuccess: () => {
        router.push("/admin/visitors");
        router.refresh();
      },
    }),
  );
  return (
    <div className="filters">
      <a className="button secondary" href={`/api/admin/visitors/${visitorId}/export/`} download>
        {t("export")}
      </a>
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          {t("delete")}
        </button>
      ) : (
        <span role="group" aria-label={t("confirmLabel")}>
          {t("confirm", { count: sessionCount })}{" "}
          <button
            type="button"
            className="danger"
            disabled={erase.isPending}
            onClick={() => erase.mutate({ id: visitorId })}
          >
            {t("confirmYes")}
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            {tc("cancel")}
          </button>
        </span>
      )}
      {erase.error && (
        <span role="alert" className="error">
          {erase.error.message}
        </span>
      )}
    </div>
  );
}
