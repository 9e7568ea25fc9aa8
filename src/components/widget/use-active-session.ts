"use client";

import { useLocale } from "next-intl";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { supportedLocale } from "~/i18n/locales";
import { useSessions } from "./use-sessions";
import { currentResumeLink } from "./visitor-storage";

/**
 * The visitor's conversations and which one is open. Until the visitor chooses, the most recent one is open
 * (undefined while the list loads); null is a new conversation not created yet.
 */
export function useActiveSession(visitorId: string) {
  const sessions = useSessions(visitorId);
  // The widget's language (data-locale, else the browser's): the server's built-in replies and emails use it.
  const locale = supportedLocale(useLocale()) ?? undefined;
  // An email's link opens its conversation (when it is this visitor's).
  const [chosenId, setChosenId] = useState<string | null | undefined>(() => {
    const link = currentResumeLink();
    return link && link.visitorId === visitorId ? link.sessionId : undefined;
  });

  const items = useMemo(() => sessions.list.data?.items ?? [], [sessions.list.data]);
  const activeId =
    chosenId !== undefined ? chosenId : sessions.list.isSuccess ? (items[0]?.id ?? null) : undefined;

  const { mutateAsync: createSessionAsync } = sessions.create;
  // One creation at a time: "+" starts it, and a message sent before it finishes joins the same conversation.
  const pendingCreate = useRef<Promise<string> | null>(null);
  const create = useCallback(() => {
    pendingCreate.current ??= createSessionAsync({ visitor_id: visitorId, locale })
      .then((session) => {
        // Show it, unless the visitor has meanwhile switched to another conversation.
        setChosenId((current) => (current == null ? session.id : current));
        return session.id;
      })
      .catch((error: unknown) => {
        pendingCreate.current = null;
        throw error;
      });
    return pendingCreate.current;
  }, [createSessionAsync, visitorId, locale]);
  // A created conversation stays the one being created until it is on screen: a message sent in between (still
  // with the new conversation's null id) joins it instead of creating a second one (seen in CI: the message went
  // to another, new conversation while the empty one was shown).
  useEffect(() => {
    if (chosenId) pendingCreate.current = null;
  }, [chosenId]);

  function remove(id: string) {
    sessions.remove.mutate({ id, visitor_id: visitorId });
    if (id === activeId) setChosenId(items.find((s) => s.id !== id)?.id ?? null);
  }

  function rename(id: string, title: string) {
    sessions.rename.mutate({ id, visitor_id: visitorId, title });
  }

  return { list: sessions.list, items, activeId, choose: setChosenId, create, remove, rename };
}
