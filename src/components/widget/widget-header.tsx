"use client";

import type { RefObject } from "react";
import { CloseIcon, ListIcon, PlusIcon } from "./icons";

interface Props {
  title: string;
  subtitle: string;
  listOpen: boolean;
  listId: string;
  toggleRef?: RefObject<HTMLButtonElement | null>;
  onToggleList?: () => void;
  onNew?: () => void;
  onClose?: () => void;
}

export function WidgetHeader({
  title,
  subtitle,
  listOpen,
  listId,
  toggleRef,
  onToggleList,
  onNew,
  onClose,
}: Props) {
  return (
    <header className="vc-header">
      {onToggleList && (
        <button
          ref={toggleRef}
          type="button"
          className="vc-icon-button vc-list-toggle"
          aria-label="Conversations"
          aria-expanded={listOpen}
          aria-controls={listId}
          onClick={onToggleList}
        >
          <ListIcon />
        </button>
      )}
      <div className="vc-heading">
        <h1>{title}</h1>
        <p>{subtitle}</p>
      </div>
      {onNew && (
        <button type="button" className="vc-icon-button" aria-label="New conversation" onClick={onNew}>
          <PlusIcon />
        </button>
      )}
      {onClose && (
        <button type="button" className="vc-icon-button" aria-label="Close chat" onClick={onClose}>
          <CloseIcon />
        </button>
      )}
    </header>
  );
}
