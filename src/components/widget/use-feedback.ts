"use client";

import { useMutation } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import type { ChatItem } from "./chat-items";
import type { ReplyRating } from "./reply-feedback";

/**
 * The visitor's thumbs on replies: what the server returned with each message, overridden by what was rated on
 * this page since (so a reply rated right after it streamed shows pressed without reloading the list).
 */
export function useReplyFeedback(visitorId: string) {
  const trpc = useTRPC();
  const { mutateAsync } = useMutation(trpc.messages.feedback.mutationOptions());
  const [rated, setRated] = useState<ReadonlyMap<string, ReplyRating | null>>(new Map());

  const rate = useCallback(
    async (messageId: string, rating: ReplyRating | null, comment?: string): Promise<boolean> => {
      try {
        await mutateAsync({ id: messageId, visitor_id: visitorId, rating, ...(comment && { comment }) });
        setRated((current) => new Map(current).set(messageId, rating));
        return true;
      } catch {
        return false;
      }
    },
    [mutateAsync, visitorId],
  );

  const feedbackOf = useCallback(
    (item: ChatItem): ReplyRating | null =>
      item.ratedId !== null && rated.has(item.ratedId) ? (rated.get(item.ratedId) ?? null) : item.feedback,
    [rated],
  );
  return { rate, feedbackOf };
}

/** Rating whole conversations (1–5), and which ones were rated or declined on this page. */
export function useConversationRating(visitorId: string) {
  const trpc = useTRPC();
  const { mutateAsync } = useMutation(trpc.sessions.rating.mutationOptions());
  const [done, setDone] = useState<ReadonlySet<string>>(new Set());

  const rate = useCallback(
    async (sessionId: string, rating: number, comment?: string): Promise<boolean> => {
      try {
        await mutateAsync({ id: sessionId, visitor_id: visitorId, rating, ...(comment && { comment }) });
        return true;
      } catch {
        return false;
      }
    },
    [mutateAsync, visitorId],
  );
  /** Stop offering it for this conversation (rated, or "not now"). */
  const settle = useCallback(
    (sessionId: string) => setDone((current) => new Set(current).add(sessionId)),
    [],
  );
  return { rate, settle, isSettled: (sessionId: string) => done.has(sessionId) };
}

/** True once `key` (e.g. the last finished reply) has stayed the same for `ms`; false while it is null. */
export function useIdleAfter(key: string | null, ms: number): boolean {
  const [idleKey, setIdleKey] = useState<string | null>(null);
  useEffect(() => {
    if (key === null) return;
    const timer = setTimeout(() => setIdleKey(key), ms);
    return () => clearTimeout(timer);
  }, [key, ms]);
  return key !== null && idleKey === key;
}
