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

/** Conversations rated or declined in this browser (most recent last), so the offer is not repeated. */
const SETTLED_STORAGE_KEY = "visitor-chat:rating-settled";
const SETTLED_MAX = 200;

function readSettled(): string[] {
  try {
    const stored: unknown = JSON.parse(window.localStorage.getItem(SETTLED_STORAGE_KEY) ?? "[]");
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return []; // storage blocked or malformed: offer again
  }
}

function storeSettled(ids: Iterable<string>): void {
  try {
    window.localStorage.setItem(SETTLED_STORAGE_KEY, JSON.stringify([...ids].slice(-SETTLED_MAX)));
  } catch {
    // Storage blocked: remembered for this page view only.
  }
}

/** Rating whole conversations (1–5), and which ones were rated or declined (remembered in this browser). */
export function useConversationRating(visitorId: string) {
  const trpc = useTRPC();
  const { mutateAsync } = useMutation(trpc.sessions.rating.mutationOptions());
  // Read once on the client (the offer shows only after an idle wait, never in server-rendered markup).
  const [done, setDone] = useState<ReadonlySet<string>>(
    () => new Set(typeof window === "undefined" ? [] : readSettled()),
  );

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
    (sessionId: string) =>
      setDone((current) => {
        const next = new Set(current).add(sessionId);
        storeSettled(next);
        return next;
      }),
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
