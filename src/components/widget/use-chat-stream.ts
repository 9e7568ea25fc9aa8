"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useReducer, useRef } from "react";
import type { AttachmentDto } from "~/server/chat/attachments/attachment.schema";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import type { ChatItem } from "./chat-items";
import {
  createChatTurnReducer,
  endedWithoutReply,
  fromStreamEvent,
  initialChatTurnState,
  IN_FLIGHT_PHASES,
  isBusy,
  isWaiting,
  newTurn,
  regenerationTurn,
  retryActionFor,
  turnsOf,
  type Turn,
} from "./chat-turn";
import { backoffMs, isAbortError, isTransientError, localizedError, messageOf } from "./errors";

interface Options {
  visitorId: string;
  /** Creates a conversation when a message is sent with none selected; returns its id. */
  createSession: () => Promise<string>;
  /** Called with text that was typed but could not be sent, so it goes back into the composer. */
  restoreDraft: (text: string) => void;
}

/**
 * Sending messages and streaming replies through messages.chatStream: one Turn per message sent from this
 * page (the states and their changes are chat-turn.ts). Stop aborts the request (the server still finishes
 * and stores the reply); transient failures before the server has the message are retried automatically;
 * anything the visitor typed stays on screen.
 */
export function useChatStream({ visitorId, createSession, restoreDraft }: Options) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const t = useTranslations("Widget");
  const reducer = useMemo(
    () =>
      createChatTurnReducer({
        newReply: (text) => t("messages.newReply", { text }),
        replyFailed: (message) => t("messages.replyFailedAnnouncement", { message }),
      }),
    [t],
  );
  const [state, dispatch] = useReducer(reducer, initialChatTurnState);
  const controllers = useRef(new Map<string, AbortController>());
  const timers = useRef(new Map<string, number>());
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  const refresh = useCallback(
    (sessionId: string | null) => {
      void queryClient.invalidateQueries(trpc.sessions.list.pathFilter());
      if (sessionId) {
        void queryClient.invalidateQueries({
          queryKey: trpc.messages.list.queryKey({ id: sessionId, visitor_id: visitorId }),
          exact: false,
        });
      }
    },
    [queryClient, trpc, visitorId],
  );

  const clearTimer = useCallback((key: string): boolean => {
    const timer = timers.current.get(key);
    if (timer === undefined) return false;
    window.clearTimeout(timer);
    timers.current.delete(key);
    return true;
  }, []);

  // The automatic retry of a waiting send calls the latest `run` through this ref.
  const runRef = useRef<(turn: Turn) => Promise<void>>(async () => undefined);
  /** One request for a turn: the stream's events go to the reducer; how it ended without one, too. */
  const run = useCallback(
    async (start: Turn): Promise<void> => {
      const { key } = start;
      const controller = new AbortController();
      controllers.current.set(key, controller);
      dispatch({ type: "sending", key });
      let sessionId = start.sessionId;
      let started = false;
      try {
        if (!sessionId) {
          sessionId = await createSession();
          dispatch({ type: "sessionCreated", key, sessionId });
        }
        const options = { signal: controller.signal };
        const events = start.retryOf
          ? await client.messages.retryStream.mutate({ id: start.retryOf, visitor_id: visitorId }, options)
          : await client.messages.chatStream.mutate(
              {
                message: start.text,
                session_id: sessionId,
                visitor_id: visitorId,
                ...(start.attachments.length > 0
                  ? { attachment_ids: start.attachments.map((attachment) => attachment.id) }
                  : {}),
              },
              options,
            );
        for await (const event of events) {
          const turnEvent = fromStreamEvent(key, event);
          // The server's failure, in the visitor's language when the widget knows its code.
          dispatch(
            turnEvent.type === "failed"
              ? { ...turnEvent, message: localizedError(t, turnEvent.code, turnEvent.message) }
              : turnEvent,
          );
          if (event.type === "start") {
            started = true;
            void queryClient.invalidateQueries(trpc.sessions.list.pathFilter()); // derived title, order
          }
        }
      } catch (error) {
        const ended = endedWithoutReply(key, {
          aborted: controller.signal.aborted || isAbortError(error),
          started,
          transient: isTransientError(error),
          message: messageOf(error, t),
        });
        dispatch(ended);
        // Stopped before the server took it: give the text back rather than lose it.
        if (ended.type === "withdrawn") restoreDraft(start.text);
        if (ended.type === "waiting") {
          const timer = window.setTimeout(() => {
            timers.current.delete(key);
            const latest = stateRef.current.turns.find((turn) => turn.key === key);
            if (latest?.phase === "waiting") void runRef.current(latest);
          }, backoffMs(start.attempt));
          timers.current.set(key, timer);
        }
      } finally {
        controllers.current.delete(key);
        refresh(sessionId);
      }
    },
    [client, createSession, queryClient, refresh, restoreDraft, t, trpc, visitorId],
  );

  useEffect(() => {
    runRef.current = run;
  }, [run]);

  const send = useCallback(
    (text: string, sessionId: string | null, attachments: AttachmentDto[] = []) => {
      const turn = newTurn(crypto.randomUUID(), sessionId, text, new Date().toISOString(), attachments);
      dispatch({ type: "sent", turn });
      void run(turn);
    },
    [run],
  );

  /**
   * Retry: a failed or stopped reply is regenerated in place by messages.retryStream (same message, the
   * question before it); a message the server refused (rejected) is sent again as it was.
   */
  const retryReply = useCallback(
    (item: ChatItem, sessionId: string | null) => {
      const action = retryActionFor(stateRef.current, item);
      if (action?.type === "resend") {
        dispatch({ type: "resent", key: action.turn.key });
        void run({ ...action.turn, attempt: 0 });
      } else if (action?.type === "regenerate") {
        const turn = regenerationTurn(crypto.randomUUID(), sessionId, action.replyId, item.createdAt);
        dispatch({ type: "retried", turn });
        void run(turn);
      }
    },
    [run],
  );

  /**
   * Stop: asks the server to stop the reply (messages.stop: upstream generation is cancelled and the text so
   * far is kept as stopped), then aborts the stream; a send still waiting for the network is cancelled and its
   * text goes back into the composer.
   */
  const stop = useCallback(
    (sessionId: string | null) => {
      for (const turn of turnsOf(stateRef.current, sessionId)) {
        if (!IN_FLIGHT_PHASES.has(turn.phase)) continue;
        if (clearTimer(turn.key)) {
          dispatch({ type: "withdrawn", key: turn.key });
          restoreDraft(turn.text);
        }
        if (turn.assistantId) {
          client.messages.stop.mutate({ id: turn.assistantId, visitor_id: visitorId }).catch(() => {
            // The reply ended meanwhile, or the network is down: aborting below is all that is left to do.
          });
        }
        controllers.current.get(turn.key)?.abort();
      }
    },
    [clearTimer, client, restoreDraft, visitorId],
  );

  /** Waiting sends are retried now (the "Retry now" button, or the browser coming back online). */
  const retryWaitingNow = useCallback(() => {
    for (const turn of stateRef.current.turns) {
      if (turn.phase === "waiting" && clearTimer(turn.key)) void run(turn);
    }
  }, [clearTimer, run]);

  useEffect(() => {
    window.addEventListener("online", retryWaitingNow);
    return () => window.removeEventListener("online", retryWaitingNow);
  }, [retryWaitingNow]);

  useEffect(() => {
    const pending = timers.current;
    const inFlight = controllers.current;
    return () => {
      for (const timer of pending.values()) window.clearTimeout(timer);
      for (const controller of inFlight.values()) controller.abort();
    };
  }, []);

  const turnsOfSession = useCallback((sessionId: string | null) => turnsOf(state, sessionId), [state]);
  const busy = (sessionId: string | null) => isBusy(state, sessionId);

  return {
    turnsOf: turnsOfSession,
    busy,
    waiting: isWaiting(state),
    send,
    stop,
    retryReply,
    retryWaitingNow,
    announcement: state.announcement,
  };
}
