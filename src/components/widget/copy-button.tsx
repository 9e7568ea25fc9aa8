"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

/** Copies `text`; the button says "Copied" for a moment. */
export function CopyButton({ text, label, className }: { text: string; label: string; className?: string }) {
  const t = useTranslations("Widget.messages");
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 1500);
    return () => window.clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className={className ?? "vc-link-button"}
      aria-label={copied ? t("copied") : label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => undefined,
        );
      }}
    >
      {copied ? t("copied") : t("copy")}
    </button>
  );
}
