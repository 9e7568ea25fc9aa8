/**
 * Runs generating in this process, by assistant message id (stop, and awaited on graceful shutdown). On
 * globalThis because Next.js bundles each route separately: the SSE route starts a run, the REST route stops it.
 * A module of its own, importing nothing: `npm start` (scripts/start.ts) awaits the runs on a graceful stop
 * without loading the message writer, the database client and the rest of the domain outside Next's bundles.
 */
type ActiveRuns<Outcome> = Map<string, { controller: AbortController; outcome: Promise<Outcome> }>;

const globalRuns = globalThis as typeof globalThis & { __visitorChatActiveRuns?: ActiveRuns<unknown> };

/** The process's map of runs (reply-run.ts is its only writer). */
export function activeReplyRuns<Outcome>(): ActiveRuns<Outcome> {
  return (globalRuns.__visitorChatActiveRuns ??= new Map()) as ActiveRuns<Outcome>;
}

/** The outcomes of the replies being written now. */
export function inflightReplies(): Promise<unknown>[] {
  return [...activeReplyRuns().values()].map((run) => run.outcome);
}
