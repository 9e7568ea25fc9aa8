"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { keepRetrying } from "./use-sessions";

/**
 * The latest messages of a conversation (up to 100), oldest first. Loaded once per (re)connection of the
 * conversation's event stream (use-session-events.ts), which then keeps what is shown up to date: no polling.
 */
export const MESSAGE_PAGE_SIZE = 100;

export function useMessages(visitorId: string, sessionId: string | null) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.messages.list.queryOptions(
      { id: sessionId ?? "", visitor_id: visitorId, limit: MESSAGE_PAGE_SIZE, order: "desc" },
      { ...keepRetrying, staleTime: 0, enabled: sessionId !== null },
    ),
    select: (page) => [...page.items].reverse(),
  });
}
