"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { useTRPCClient } from "~/trpc/react";
import { isNotFoundError } from "./errors";

/** "Delete my conversations": asks first, then erases the visitor and everything of it on the server. */
export default function EraseConfirm({
  visitorId,
  onErased,
  onCancel,
}: {
  visitorId: string;
  onErased: () => void;
  onCancel: () => void;
}) {
  const t = useTranslations("Widget.erase");
  const client = useTRPCClient();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);

  async function erase() {
    setBusy(true);
    setFailed(false);
    try {
      await client.visitors.erase.mutate({ id: visitorId, visitor_id: visitorId });
      onErased();
    } catch (error) {
      // Already gone (erased from another tab, or by the site): start fresh all the same.
      if (isNotFoundError(error)) onErased();
      else {
        setFailed(true);
        setBusy(false);
      }
    }
  }

  return (
    <div
      className="vc-erase-confirm"
      role="alertdialog"
      aria-modal="false"
      aria-labelledby="vc-erase-title"
      aria-describedby="vc-erase-text"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.stopPropagation();
          onCancel();
        }
      }}
    >
      <p id="vc-erase-title">
        <strong>{t("title")}</strong>
      </p>
      <p id="vc-erase-text">{t("text")}</p>
      {failed && <p role="alert">{t("failed")}</p>}
      <div className="vc-erase-actions">
        <button type="button" className="vc-danger" disabled={busy} onClick={() => void erase()}>
          {t("confirm")}
        </button>
        <button ref={cancel} type="button" disabled={busy} onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </div>
  );
}
