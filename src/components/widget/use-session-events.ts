"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { skipToken } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { applyLiveEvent, emptyLive, type LiveEvent, type LiveMessages } from "./session-live";

/**
 * Follows the open conversation's events (sessions.events over SSE). The link reconnects by itself after a
 * network drop or sleep, resuming after the last event received (tracked ids), so a reply being written
 * continues token by token; each (re)connection also reloads the message list, for what ended while nobody
 * listened. A second tab sees this tab's messages as they are sent.
 */
export function useSessionEvents(
  visitorId: string,
  sessionId: string | null,
  /** Also told every event (e.g. the handoff state: mode changes, the agent typing). */
  onEvent?: (event: LiveEvent) => void,
): LiveMessages {
  const trpc = useTRPC();

  const queryClient = useQueryClient();
  const [live, setLive] = useState<LiveMessages>(() => emptyLive(sessionId));
  // Another conversation opened: start over (derived during render, see React's "adjusting state" pattern).
  if (live.sessionId !== sessionId) setLive(emptyLive(sessionId));

  const reload = useCallback(() => {
    if (!sessionId) return;
    void queryClient.invalidateQueries({
      queryKey: trpc.messages.list.queryKey({ id: sessionId, visitor_id: visitorId }),
      exact: false,
    });
  }, [queryClient, sessionId, trpc, visitorId]);

  useSubscription(
    trpc.sessions.events.subscriptionOptions(
      sessionId ? { id: sessionId, visitor_id: visitorId } : skipToken,
      {
        onStarted: reload,
        onData: ({ data }) => {
          const event: LiveEvent = data;
          setLive((current) => (current.sessionId === sessionId ? applyLiveEvent(current, event) : current));
          onEvent?.(event);
          if (event.type === "session.updated" || event.type === "message.created") {
            void queryClient.invalidateQueries(trpc.sessions.list.pathFilter()); // title, order
          }
        },
      },
    ),
  );
  return live.sessionId === sessionId ? live : emptyLive(sessionId);
}
