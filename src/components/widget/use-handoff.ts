"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import type { HandoffStatus } from "~/shared/session-modes";
import { useTRPC } from "~/trpc/react";
import { domainCodeOf, emailErrorOf } from "./errors";
import type { LiveEvent } from "./session-live";

/** How long an agent's "typing" shows without a new signal (the agent's page sends active: false when it stops). */
const TYPING_SHOWS_MS = 6_000;
/** The visitor's typing signal: sent at most this often while typing, and "stopped" after this much idle. */
const TYPING_SIGNAL_MS = 2_500;

/**
 * Talking to a person in the open conversation: ask for one, follow the conversation's events (agent messages,
 * mode changes, the agent typing: `onSessionEvent`, fed by the chat view's one event stream) and send the
 * visitor's typing signal while a person is there.
 */
export function useHandoff(options: {
  visitorId: string;
  sessionId: string | null;
  createSession: () => Promise<string>;
}) {
  const { visitorId, sessionId, createSession } = options;
  const trpc = useTRPC();
  const t = useTranslations("Widget");
  const queryClient = useQueryClient();
  const [agentTyping, setAgentTyping] = useState(false);
  const input = { id: sessionId ?? "", visitor_id: visitorId };
  const state = useQuery(
    trpc.sessions.handoffState.queryOptions(input, { enabled: sessionId !== null, staleTime: 0 }),
  );
  const stateKey = trpc.sessions.handoffState.queryKey(input);
  const status: HandoffStatus = sessionId === null ? "none" : (state.data?.status ?? "none");
  const agentName = state.data?.session.agent_name ?? null;

  const request = useMutation(
    trpc.sessions.handoff.mutationOptions({
      onSuccess: (result) =>
        queryClient.setQueryData(trpc.sessions.handoffState.queryKey(result.session), result),
    }),
  );
  const askForPerson = useCallback(async () => {
    const id = sessionId ?? (await createSession());
    request.mutate({ id, visitor_id: visitorId });
  }, [sessionId, createSession, request, visitorId]);

  const saveEmail = useMutation(trpc.visitors.email.mutationOptions());

  // "Email me a transcript": stored on the session (sent when an agent closes it). Without an address on file the
  // server refuses (TRANSCRIPT_EMAIL_REQUIRED) and the bar asks for one.
  const transcript = useMutation(
    trpc.sessions.transcript.mutationOptions({
      onSuccess: (session) => queryClient.setQueryData(stateKey, (old) => (old ? { ...old, session } : old)),
    }),
  );
  // While the request is on its way the box shows what was asked (then what the server stored).
  const transcriptRequested = transcript.isPending
    ? (transcript.variables?.requested ?? false)
    : (state.data?.session.transcript_requested ?? false);
  const requestTranscript = useCallback(
    (requested: boolean, email?: string) => {
      if (!sessionId) return;
      transcript.mutate({ id: sessionId, visitor_id: visitorId, requested, ...(email && { email }) });
    },
    [sessionId, transcript, visitorId],
  );
  const transcriptNeedsEmail =
    transcript.isError && domainCodeOf(transcript.error) === "TRANSCRIPT_EMAIL_REQUIRED";

  // The open conversation's events (followed once, by useSessionEvents in the chat view): agent typing and
  // messages, mode changes.
  const typingTimer = useRef<number | undefined>(undefined);
  useEffect(
    () => () => {
      window.clearTimeout(typingTimer.current);
      setAgentTyping(false);
    },
    [sessionId],
  );
  const onSessionEvent = useCallback(
    (event: LiveEvent) => {
      if (event.type === "typing") {
        const typing = event.data;
        if (typing.role !== "agent") return;
        window.clearTimeout(typingTimer.current);
        setAgentTyping(typing.active);
        if (typing.active)
          typingTimer.current = window.setTimeout(() => setAgentTyping(false), TYPING_SHOWS_MS);
        return;
      }
      if (event.type === "session.updated") {
        void queryClient.invalidateQueries({ queryKey: trpc.sessions.handoffState.queryKey() });
        return;
      }
      if (event.type === "message.created" && event.data.role === "agent") {
        window.clearTimeout(typingTimer.current);
        setAgentTyping(false);
      }
    },
    [queryClient, trpc],
  );

  // A request waits at most until timeout_at: then ask where it stands (the server times it out).
  const timeoutAt = state.data?.timeout_at ?? null;
  useEffect(() => {
    if (status !== "waiting" || !timeoutAt) return;
    const delay = Math.max(0, Date.parse(timeoutAt) - Date.now()) + 500;
    const timer = window.setTimeout(() => void queryClient.invalidateQueries({ queryKey: stateKey }), delay);
    return () => window.clearTimeout(timer);
  }, [status, timeoutAt, queryClient, stateKey]);

  // The visitor's typing, only while a person is there to see it.
  const lastSignal = useRef(0);
  const idleTimer = useRef<number | undefined>(undefined);
  const typingMutation = useMutation(trpc.sessions.typing.mutationOptions());
  const sendTyping = typingMutation.mutate;
  const visitorTyped = useCallback(
    (text: string) => {
      if (!sessionId || (status !== "agent" && status !== "waiting")) return;
      const signal = (active: boolean) => sendTyping({ id: sessionId, visitor_id: visitorId, active });
      window.clearTimeout(idleTimer.current);
      if (text.trim() === "") {
        if (lastSignal.current !== 0) signal(false);
        lastSignal.current = 0;
        return;
      }
      if (Date.now() - lastSignal.current > TYPING_SIGNAL_MS) {
        lastSignal.current = Date.now();
        signal(true);
      }
      idleTimer.current = window.setTimeout(() => {
        lastSignal.current = 0;
        signal(false);
      }, TYPING_SIGNAL_MS);
    },
    [sessionId, status, sendTyping, visitorId],
  );

  return {
    onSessionEvent,
    status,
    agentName,
    agentTyping,
    requesting: request.isPending,
    askForPerson,
    visitorTyped,
    saveEmail: (email: string) => saveEmail.mutate({ id: visitorId, visitor_id: visitorId, email }),
    emailSaved: saveEmail.isSuccess,
    transcriptRequested,
    transcriptPending: transcript.isPending,
    transcriptNeedsEmail,
    transcriptError: transcript.error && !transcriptNeedsEmail ? emailErrorOf(transcript.error, t) : null,
    requestTranscript,
    emailError: saveEmail.error ? emailErrorOf(saveEmail.error, t) : null,
  };
}
