"use client";

import { useEffect, useState } from "react";
import { WIDGET_TEXT } from "./strings";

/** Copies `text`; the button says "Copied" for a moment. */
export function CopyButton({ text, label, className }: { text: string; label: string; className?: string }) {
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
      aria-label={copied ? WIDGET_TEXT.copied : label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => undefined,
        );
      }}
    >
      {copied ? WIDGET_TEXT.copied : WIDGET_TEXT.copy}
    </button>
  );
}
