"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { LABEL_MAX_CHARS, LABELS_PER_SESSION_MAX } from "~/shared/labels";
import { useTRPC } from "~/trpc/react";

/** The conversation's labels in the inbox header: remove one with its ×, add one (suggested from those in use). */
export function SessionLabels({ id, labels }: { id: string; labels: string[] }) {
  const t = useTranslations("AdminInbox.labels");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listId = useId();
  const inUse = useQuery(trpc.admin.labels.list.queryOptions());
  const [draft, setDraft] = useState("");
  const save = useMutation(
    trpc.admin.sessions.setLabels.mutationOptions({
      onSuccess: () => {
        setDraft("");
        void queryClient.invalidateQueries(trpc.admin.sessions.transcript.pathFilter());
        void queryClient.invalidateQueries(trpc.admin.sessions.list.pathFilter());
        void queryClient.invalidateQueries(trpc.admin.labels.list.pathFilter());
      },
    }),
  );

  function add(event: FormEvent) {
    event.preventDefault();
    const label = draft.trim();
    if (label && !labels.includes(label)) save.mutate({ id, labels: [...labels, label] });
  }

  return (
    <div className="session-labels" data-testid="session-labels">
      <span className="muted">{t("heading")}:</span>{" "}
      {labels.length === 0 && <span className="muted">{t("none")}</span>}
      {labels.map((label) => (
        <span key={label} className="label-chip">
          <bdi>{label}</bdi>
          <button
            type="button"
            aria-label={t("remove", { label })}
            disabled={save.isPending}
            onClick={() => save.mutate({ id, labels: labels.filter((other) => other !== label) })}
          >
            ×
          </button>
        </span>
      ))}
      {labels.length < LABELS_PER_SESSION_MAX && (
        <form onSubmit={add}>
          <input
            aria-label={t("add")}
            placeholder={t("add")}
            value={draft}
            maxLength={LABEL_MAX_CHARS}
            list={listId}
            onChange={(event) => setDraft(event.target.value)}
          />
          <datalist id={listId}>
            {(inUse.data?.items ?? [])
              .filter((item) => !labels.includes(item.label))
              .map((item) => (
                <option key={item.label} value={item.label} />
              ))}
          </datalist>
          <button type="submit" className="secondary" disabled={save.isPending || !draft.trim()}>
            {t("addButton")}
          </button>
        </form>
      )}
      {save.error && (
        <p className="error" role="alert">
          {save.error.message}
        </p>
      )}
    </div>
  );
}
