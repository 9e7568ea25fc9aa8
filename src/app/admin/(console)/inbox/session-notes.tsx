"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { MESSAGE_MAX_CHARS } from "~/shared/limits";
import { useTRPC } from "~/trpc/react";

const WHEN = {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
} as const satisfies Intl.DateTimeFormatOptions;

/** The conversation's private notes (the team's only, never the visitor's) and a form to add one. */
export function SessionNotes({ id }: { id: string }) {
  const t = useTranslations("AdminInbox.notes");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notes = useQuery(trpc.admin.sessions.notes.queryOptions({ id }));
  const [draft, setDraft] = useState("");
  const add = useMutation(
    trpc.admin.sessions.addNote.mutationOptions({
      onSuccess: () => {
        setDraft("");
        void queryClient.invalidateQueries(trpc.admin.sessions.notes.queryFilter({ id }));
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const content = draft.trim();
    if (content) add.mutate({ id, content });
  }

  return (
    <section className="session-notes" aria-label={t("heading")} data-testid="session-notes">
      <h3>{t("heading")}</h3>
      <p className="muted">{t("private")}</p>
      <ol>
        {(notes.data?.items ?? []).map((note) => (
          <li key={note.id} className="note">
            <span className="muted">
              <bdi>{note.author_name}</bdi> · {format.dateTime(new Date(note.created_at), WHEN)}
            </span>
            <p dir="auto">{note.content}</p>
          </li>
        ))}
      </ol>
      {notes.data?.items.length === 0 && <p className="muted">{t("none")}</p>}
      <form onSubmit={submit}>
        <label>
          {t("add")}
          <textarea
            value={draft}
            rows={2}
            maxLength={MESSAGE_MAX_CHARS}
            onChange={(event) => setDraft(event.target.value)}
          />
        </label>
        <button type="submit" className="secondary" disabled={add.isPending || !draft.trim()}>
          {t("save")}
        </button>
        {add.error && (
          <p className="error" role="alert">
            {add.error.message}
          </p>
        )}
      </form>
    </section>
  );
}
