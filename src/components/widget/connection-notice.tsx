"use client";

import { useTranslations } from "next-intl";
import { useSyncExternalStore } from "react";

function subscribe(onChange: () => void) {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
}

function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
}

interface Props {
  /** Something failed for a transient reason and is being retried automatically. */
  retrying: boolean;
  onRetryNow: () => void;
}

/** A non-blocking line above the conversation while the connection is down; nothing else is disabled. */
export function ConnectionNotice({ retrying, onRetryNow }: Props) {
  const t = useTranslations("Widget.connection");
  const online = useOnline();
  const show = retrying || !online;
  return (
    <div className="vc-notice-slot" role="status" aria-live="polite">
      {show && (
        <div className="vc-notice">
          <span>
            {online ? t("cantReach") : t("offline")} {t("retrying")}
          </span>
          <button type="button" className="vc-link-button" onClick={onRetryNow}>
            {t("retryNow")}
          </button>
        </div>
      )}
    </div>
  );
}
