"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { backoffMs, isTransientError } from "./errors";

/** Query options shared by the widget's reads: retry transient failures for ever, with back-off. */
export const keepRetrying = {
  retry: (_count: number, error: unknown) => isTransientError(error),
  retryDelay: (attempt: number) => backoffMs(attempt),
} as const;

export const SESSION_PAGE_SIZE = 50;

/** The visitor's conversations, most recent activity first, and what can be done to them. */
export function useSessions(visitorId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(
    trpc.sessions.list.queryOptions(
      { visitor_id: visitorId, limit: SESSION_PAGE_SIZE },
      { ...keepRetrying, staleTime: 0 },
    ),
  );
  const refresh = () => queryClient.invalidateQueries(trpc.sessions.list.pathFilter());

  const create = useMutation(trpc.sessions.create.mutationOptions({ onSettled: refresh }));
  const rename = useMutation(trpc.sessions.rename.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.sessions.delete.mutationOptions({ onSettled: refresh }));

  return { list, create, rename, remove, refresh };
}
