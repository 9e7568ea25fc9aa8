"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { SESSION_TITLE_MAX_CHARS } from "~/shared/limits";
import type { Session } from "./chat-items";
import { lastActivity } from "./format-time";
import { PencilIcon, TrashIcon } from "./icons";

interface Props {
  id: string;
  sessions: Session[];
  activeId: string | null;
  loading: boolean;
  onSelect: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
}

type DateGroup = "today" | "yesterday" | "earlier";

/** Today, Yesterday or Earlier, by the visitor's local calendar day of the last activity. */
export function dateGroup(iso: string, now: Date = new Date()): DateGroup {
  const day = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  const days = Math.round((day(now) - day(new Date(iso))) / 86_400_000);
  return days <= 0 ? "today" : days === 1 ? "yesterday" : "earlier";
}

/**
 * The visitor's conversations, most recent first and grouped by day: switch, rename, delete. A new conversation
 * starts from the header's "+" (the one control for it).
 */
export function SessionList({ id, sessions, activeId, loading, onSelect, onRename, onDelete }: Props) {
  const t = useTranslations("Widget.sessions");
  const groups: { group: DateGroup; items: Session[] }[] = [];
  for (const session of sessions) {
    const group = dateGroup(session.updated_at);
    const last = groups.at(-1);
    if (last?.group === group) last.items.push(session);
    else groups.push({ group, items: [session] });
  }
  return (
    <nav id={id} className="vc-sessions" aria-label={t("title")}>
      <div className="vc-sessions-head">
        <h2>{t("title")}</h2>
      </div>
      {loading && <p className="vc-muted">{t("loading")}</p>}
      {!loading && sessions.length === 0 && <p className="vc-muted">{t("empty")}</p>}
      {groups.map(({ group, items }) => (
        <section key={group} className="vc-session-group" aria-labelledby={`${id}-${group}`}>
          <h3 id={`${id}-${group}`} className="vc-session-group-title">
            {t(group)}
          </h3>
          <ul className="vc-session-list">
            {items.map((session) => (
              <SessionRow
                key={session.id}
                session={session}
                active={session.id === activeId}
                onSelect={onSelect}
                onRename={onRename}
                onDelete={onDelete}
              />
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}

interface RowProps {
  session: Session;
  active: boolean;
  onSelect: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
}

function SessionRow({ session, active, onSelect, onRename, onDelete }: RowProps) {
  const t = useTranslations("Widget.sessions");
  const locale = useLocale();
  const [mode, setMode] = useState<"view" | "rename" | "confirm-delete">("view");
  const [title, setTitle] = useState("");
  const name = session.title ?? t("untitled");

  function saveTitle(event: FormEvent) {
    event.preventDefault();
    const next = title.trim();
    if (next && next !== session.title) onRename(session.id, next);
    setMode("view");
  }

  if (mode === "rename") {
    return (
      <li className="vc-session vc-session-editing">
        <form onSubmit={saveTitle} className="vc-rename">
          <label className="vc-sr" htmlFor={`vc-rename-${session.id}`}>
            {t("renameLabel", { name })}
          </label>
          <input
            id={`vc-rename-${session.id}`}
            value={title}
            maxLength={SESSION_TITLE_MAX_CHARS}
            autoFocus
            onChange={(event) => setTitle(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") {
                event.stopPropagation();
                setMode("view");
              }
            }}
          />
          <button type="submit" className="vc-link-button">
            {t("save")}
          </button>
          <button type="button" className="vc-link-button" onClick={() => setMode("view")}>
            {t("cancel")}
          </button>
        </form>
      </li>
    );
  }

  if (mode === "confirm-delete") {
    return (
      <li className="vc-session vc-session-editing">
        <span className="vc-confirm" role="group" aria-label={t("confirmDeleteLabel", { name })}>
          {t("confirmDelete", { name })}
          <button
            type="button"
            className="vc-link-button vc-danger"
            autoFocus
            onClick={() => onDelete(session.id)}
          >
            {t("delete")}
          </button>
          <button type="button" className="vc-link-button" onClick={() => setMode("view")}>
            {t("keep")}
          </button>
        </span>
      </li>
    );
  }

  return (
    <li className="vc-session" data-active={active || undefined}>
      <button
        type="button"
        className="vc-session-open"
        aria-current={active ? "true" : undefined}
        onClick={() => onSelect(session.id)}
      >
        <span className="vc-session-title" dir="auto">
          {name}
        </span>
        <time className="vc-session-time" dateTime={session.updated_at}>
          {lastActivity(session.updated_at, locale, t("justNow"))}
        </time>
      </button>
      <button
        type="button"
        className="vc-icon-button vc-small"
        aria-label={t("rename", { name })}
        onClick={() => {
          setTitle(session.title ?? "");
          setMode("rename");
        }}
      >
        <PencilIcon />
      </button>
      <button
        type="button"
        className="vc-icon-button vc-small"
        aria-label={t("deleteOne", { name })}
        onClick={() => setMode("confirm-delete")}
      >
        <TrashIcon />
      </button>
    </li>
  );
}
