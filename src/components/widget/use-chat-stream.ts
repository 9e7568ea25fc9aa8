"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import type { ChatItem, Turn } from "./chat-items";
import { backoffMs, isAbortError, isTransientError, messageOf } from "./errors";

interface Options {
  visitorId: string;
  /** Creates a conversation when a message is sent with none selected; returns its id. */
  createSession: () => Promise<string>;
  /** Called with text that was typed but could not be sent, so it goes back into the composer. */
  restoreDraft: (text: string) => void;
}

const IN_FLIGHT: ReadonlySet<Turn["phase"]> = new Set(["sending", "waiting", "streaming"]);

/**
 * Sending messages and streaming replies through messages.chatStream: one Turn per message sent from this
 * page. Stop aborts the request (the server still finishes and stores the reply); transient failures before
 * the server has the message are retried automatically; anything the visitor typed stays on screen.
 */
export function useChatStream({ visitorId, createSession, restoreDraft }: Options) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [announcement, setAnnouncement] = useState("");
  const controllers = useRef(new Map<string, AbortController>());
  const timers = useRef(new Map<string, number>());
  const turnsRef = useRef(turns);
  useEffect(() => {
    turnsRef.current = turns;
  }, [turns]);

  const update = useCallback((key: string, patch: Partial<Turn> | ((turn: Turn) => Partial<Turn>)) => {
    setTurns((all) =>
      all.map((turn) =>
        turn.key === key ? { ...turn, ...(typeof patch === "function" ? patch(turn) : patch) } : turn,
      ),
    );
  }, []);

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

  // The automatic retry of a waiting send calls the latest `run` through this ref.
  const runRef = useRef<(turn: Turn) => Promise<void>>(async () => undefined);
  const run = useCallback(
    async (start: Turn): Promise<void> => {
      const { key } = start;
      const controller = new AbortController();
      controllers.current.set(key, controller);
      update(key, { phase: "sending", error: null });
      let sessionId = start.sessionId;
      let started = false;
      try {
        if (!sessionId) {
          sessionId = await createSession();
          update(key, { sessionId });
        }
        const events = start.retryOf
          ? await client.messages.retryStream.mutate(
              { id: start.retryOf, visitor_id: visitorId },
              { signal: controller.signal },
            )
          : await client.messages.chatStream.mutate(
              { message: start.text, session_id: sessionId, visitor_id: visitorId },
              { signal: controller.signal },
            );
        for await (const event of events) {
          if (event.type === "start") {
            started = true;
            update(key, {
              phase: "streaming",
              userId: event.user_message.id,
              assistantId: event.assistant_message.id,
              createdAt: event.user_message.created_at,
            });
            void queryClient.invalidateQueries(trpc.sessions.list.pathFilter()); // derived title, order
          } else if (event.type === "delta") {
            update(key, (turn) => ({ reply: turn.reply + event.text }));
          } else if (event.type === "done") {
            const stopped = event.assistant_message.status === "stopped";
            update(key, { phase: stopped ? "stopped" : "done", reply: event.assistant_message.content });
            setAnnouncement(`New reply: ${event.assistant_message.content.slice(0, 400)}`);
          } else {
            update(key, { phase: "failed", reply: event.assistant_message.content, error: event.message });
            setAnnouncement(`The reply failed. ${event.message}`);
          }
        }
      } catch (error) {
        if (controller.signal.aborted || isAbortError(error)) {
          if (started) {
            update(key, { phase: "stopped" });
          } else {
            // Stopped before the server took it: give the text back rather than lose it.
            setTurns((all) => all.filter((turn) => turn.key !== key));
            restoreDraft(start.text);
          }
        } else if (!started && isTransientError(error)) {
          const attempt = start.attempt + 1;
          update(key, { phase: "waiting", attempt });
          const timer = window.setTimeout(
            () => {
              timers.current.delete(key);
              const latest = turnsRef.current.find((turn) => turn.key === key);
              if (latest?.phase === "waiting") void runRef.current(latest);
            },
            backoffMs(attempt - 1),
          );
          timers.current.set(key, timer);
        } else if (!started) {
          update(key, { phase: "rejected", error: messageOf(error) });
        } else {
          // Cut off mid-reply: the server finishes and stores it; the list follows it from here.
          update(key, { phase: "interrupted" });
        }
      } finally {
        controllers.current.delete(key);
        refresh(sessionId);
      }
    },
    [client, createSession, queryClient, refresh, restoreDraft, trpc, update, visitorId],
  );

  useEffect(() => {
    runRef.current = run;
  }, [run]);

  const send = useCallback(
    (text: string, sessionId: string | null) => {
      const turn: Turn = {
        key: crypto.randomUUID(),
        sessionId,
        text,
        createdAt: new Date().toISOString(),
        userId: null,
        assistantId: null,
        reply: "",
        phase: "sending",
        error: null,
        attempt: 0,
        retryOf: null,
      };
      setTurns((all) => [...all, turn]);
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
      const turn = item.turnKey ? turnsRef.current.find((t) => t.key === item.turnKey) : undefined;
      if (turn?.phase === "rejected") {
        void run({ ...turn, attempt: 0 });
        return;
      }
      if (!item.retryReplyId) return;
      const retry: Turn = {
        key: crypto.randomUUID(),
        sessionId,
        text: "",
        createdAt: item.createdAt,
        userId: null,
        assistantId: item.retryReplyId,
        reply: "",
        phase: "sending",
        error: null,
        attempt: 0,
        retryOf: item.retryReplyId,
      };
      // The regenerated reply replaces the earlier attempt of the same reply on screen.
      setTurns((all) => [...all.filter((t) => t.assistantId !== item.retryReplyId), retry]);
      void run(retry);
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
      for (const turn of turnsRef.current) {
        if (turn.sessionId !== sessionId || !IN_FLIGHT.has(turn.phase)) continue;
        const timer = timers.current.get(turn.key);
        if (timer !== undefined) {
          window.clearTimeout(timer);
          timers.current.delete(turn.key);
          setTurns((all) => all.filter((t) => t.key !== turn.key));
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
    [client, restoreDraft, visitorId],
  );

  /** Waiting sends are retried now (the "Retry now" button, or the browser coming back online). */
  const retryWaitingNow = useCallback(() => {
    for (const turn of turnsRef.current) {
      const timer = timers.current.get(turn.key);
      if (turn.phase !== "waiting" || timer === undefined) continue;
      window.clearTimeout(timer);
      timers.current.delete(turn.key);
      void run(turn);
    }
  }, [run]);

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

  const turnsOf = useCallback(
    (sessionId: string | null) => turns.filter((turn) => turn.sessionId === sessionId),
    [turns],
  );
  const busy = (sessionId: string | null) =>
    turns.some((turn) => turn.sessionId === sessionId && IN_FLIGHT.has(turn.phase));
  const waiting = turns.some((turn) => turn.phase === "waiting");

  return { turnsOf, busy, waiting, send, stop, retryReply, retryWaitingNow, announcement };
}
