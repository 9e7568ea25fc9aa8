"use client";

import { useState, type FormEvent } from "react";
import type { Session } from "./chat-items";
import { lastActivity } from "./format-time";
import { PencilIcon, PlusIcon, TrashIcon } from "./icons";

export function sessionTitle(session: Pick<Session, "title">): string {
  return session.title ?? "New conversation";
}

interface Props {
  id: string;
  sessions: Session[];
  activeId: string | null;
  loading: boolean;
  onSelect: (id: string) => void;
  onNew: () => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
}

/** The visitor's conversations, most recent first: switch, rename, delete. */
export function SessionList({ id, sessions, activeId, loading, onSelect, onNew, onRename, onDelete }: Props) {
  return (
    <nav id={id} className="vc-sessions" aria-label="Conversations">
      <div className="vc-sessions-head">
        <h2>Conversations</h2>
        <button type="button" className="vc-new-inline" onClick={onNew}>
          <PlusIcon /> New
        </button>
      </div>
      {loading && <p className="vc-muted">Loading…</p>}
      {!loading && sessions.length === 0 && <p className="vc-muted">No conversations yet.</p>}
      <ul className="vc-session-list">
        {sessions.map((session) => (
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
  const [mode, setMode] = useState<"view" | "rename" | "confirm-delete">("view");
  const [title, setTitle] = useState("");
  const name = sessionTitle(session);

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
            New name for {name}
          </label>
          <input
            id={`vc-rename-${session.id}`}
            value={title}
            maxLength={200}
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
            Save
          </button>
          <button type="button" className="vc-link-button" onClick={() => setMode("view")}>
            Cancel
          </button>
        </form>
      </li>
    );
  }

  if (mode === "confirm-delete") {
    return (
      <li className="vc-session vc-session-editing">
        <span className="vc-confirm" role="group" aria-label={`Delete ${name}?`}>
          Delete “{name}”?
          <button
            type="button"
            className="vc-link-button vc-danger"
            autoFocus
            onClick={() => onDelete(session.id)}
          >
            Delete
          </button>
          <button type="button" className="vc-link-button" onClick={() => setMode("view")}>
            Keep
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
        <span className="vc-session-title">{name}</span>
        <time className="vc-session-time" dateTime={session.updated_at}>
          {lastActivity(session.updated_at)}
        </time>
      </button>
      <button
        type="button"
        className="vc-icon-button vc-small"
        aria-label={`Rename ${name}`}
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
        aria-label={`Delete ${name}`}
        onClick={() => setMode("confirm-delete")}
      >
        <TrashIcon />
      </button>
    </li>
  );
}
