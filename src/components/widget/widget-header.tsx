"use client";

import type { RefObject } from "react";
import { CloseIcon, ListIcon, PlusIcon } from "./icons";
import { WIDGET_TEXT } from "./strings";

interface Props {
  title: string;
  subtitle: string;
  /** The assistant's avatar (a data:image URL). */
  avatar?: string | null;
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
  avatar,
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
      {avatar && (
        // A data: URL from the settings: nothing for next/image to optimise.
        // eslint-disable-next-line @next/next/no-img-element
        <img className="vc-avatar" src={avatar} alt="" width={32} height={32} />
      )}
      <div className="vc-heading">
        <h1>{title}</h1>
        {subtitle && <p>{subtitle}</p>}
      </div>
      {onNew && (
        <button
          type="button"
          className="vc-icon-button"
          aria-label={WIDGET_TEXT.newConversation}
          onClick={onNew}
        >
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
