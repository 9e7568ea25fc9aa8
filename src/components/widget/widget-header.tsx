"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type RefObject } from "react";
import { CloseIcon, ListIcon, MoreIcon, PlusIcon } from "./icons";

/** The id of the conversation list (a sidebar, or a drawer the header's list button opens). */
export const LIST_ID = "vc-session-panel";

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
  /** "Delete my conversations" in the header's menu. */
  onEraseRequest?: () => void;
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
  onEraseRequest,
}: Props) {
  const t = useTranslations("Widget.header");
  return (
    <header className="vc-header">
      {onToggleList && (
        <button
          ref={toggleRef}
          type="button"
          className="vc-icon-button vc-list-toggle"
          aria-label={t("conversations")}
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
        <button type="button" className="vc-icon-button" aria-label={t("newConversation")} onClick={onNew}>
          <PlusIcon />
        </button>
      )}
      {onEraseRequest && <HeaderMenu onEraseRequest={onEraseRequest} />}
      {onClose && (
        <button type="button" className="vc-icon-button" aria-label={t("closeChat")} onClick={onClose}>
          <CloseIcon />
        </button>
      )}
    </header>
  );
}

/** A small menu of rarely used actions (today one: delete my conversations). Escape or a click outside closes it. */
function HeaderMenu({ onEraseRequest }: { onEraseRequest: () => void }) {
  const t = useTranslations("Widget.header");
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);
  return (
    <div
      className="vc-menu"
      ref={root}
      onKeyDown={(event) => {
        if (event.key !== "Escape" || !open) return;
        event.stopPropagation();
        setOpen(false);
        button.current?.focus();
      }}
    >
      <button
        ref={button}
        type="button"
        className="vc-icon-button"
        aria-label={t("more")}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        <MoreIcon />
      </button>
      {open && (
        <div className="vc-menu-items" role="menu" aria-label={t("more")}>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              onEraseRequest();
            }}
          >
            {t("deleteMine")}
          </button>
        </div>
      )}
    </div>
  );
}
