"use client";

import { useMutation, type UseMutationOptions } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

/**
 * The create mutation of a manager whose new item carries a secret that is shown once (API keys, webhook
 * endpoints): on success the result is kept in `created` (until `dismiss`) and the list is refreshed.
 */
export function useSecretOnce<TResult, TError, TVariables, TContext>(
  options: UseMutationOptions<TResult, TError, TVariables, TContext>,
  refresh: () => Promise<unknown>,
) {
  const [created, setCreated] = useState<TResult | null>(null);
  const mutation = useMutation({
    ...options,
    onSuccess: async (result) => {
      setCreated(result);
      await refresh();
    },
  });
  return { ...mutation, created, dismiss: () => setCreated(null) };
}

/** A create form's submit button, and why the last attempt failed beside it. */
export function SubmitWithError(props: {
  pending: boolean;
  error: { message: string } | null;
  children: ReactNode;
}) {
  return (
    <>
      <button type="submit" disabled={props.pending}>
        {props.children}
      </button>
      {props.error && (
        <span role="alert" className="error">
          {props.error.message}
        </span>
      )}
    </>
  );
}

interface SecretOnceProps {
  /** What was created, with the warning that the secret will not be shown again. */
  children: ReactNode;
  secret: string;
  testId: string;
  /** The buttons' labels (from the page's catalogue); no Copy button without `copy` and `copied`. */
  labels: { done: string; copy?: string; copied?: string };
  onDone: () => void;
}

/** A secret right after it was created: selected with one click (or copied), gone for good after Done. */
export function SecretOnce({ children, secret, testId, labels, onDone }: SecretOnceProps) {
  // The secret last copied: a new secret shows Copy again.
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div className="notice" role="status">
      <p style={{ marginBlockStart: 0 }}>{children}</p>
      <code data-testid={testId} style={{ userSelect: "all", fontSize: 14 }}>
        {secret}
      </code>{" "}
      {labels.copy && labels.copied && (
        <>
          <button
            type="button"
            className="secondary"
            onClick={async () => {
              await navigator.clipboard.writeText(secret);
              setCopied(secret);
            }}
          >
            {copied === secret ? labels.copied : labels.copy}
          </button>{" "}
        </>
      )}
      <button type="button" className="secondary" onClick={onDone}>
        {labels.done}
      </button>
    </div>
  );
}
