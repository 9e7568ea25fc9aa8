import { env } from "~/env";
import { getEventBus } from "../runtime/events";
import { getChatRuntime } from "../runtime/runtime";
import { leaseHolderId } from "./lease";
import { startReplySweeper, type ReplySweeper } from "./reply-sweeper";

/**
 * The background jobs of a server process, started once from instrumentation.ts (Node.js runtime, not during
 * `next build`, never in tests). Each job takes a job lease before working, so with several instances one runs
 * it at a time. They stop on SIGTERM/SIGINT (their timers are unref'd, so they never keep the process alive).
 */
const globalJobs = globalThis as typeof globalThis & { __visitorChatJobs?: ReplySweeper };

export function startBackgroundJobs(): void {
  if (globalJobs.__visitorChatJobs) return;
  const sweeper = startReplySweeper({
    // The runtime opens the database lazily (and retries a failed start-up on the next call).
    getDb: async () => (await getChatRuntime()).database.db,
    holder: leaseHolderId(),
    leaseMs: env.REPLY_LEASE_SECONDS * 1000,
    intervalMs: env.REPLY_SWEEP_SECONDS * 1000,
    events: getEventBus,
  });
  globalJobs.__visitorChatJobs = sweeper;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => void sweeper.stop());
  }
}
