import { env } from "~/env";
import { getEventBus } from "../runtime/events";
import { getChatRuntime } from "../runtime/runtime";
import { leaseHolderId } from "./lease";
import { startReplySweeper, type ReplySweeper } from "./reply-sweeper";
import { startRetentionJob } from "./retention";
import { startWebhookWorker, type WebhookWorker } from "./webhook-worker";

/** How often retention (RETENTION_DAYS) runs. */
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The background jobs of a server process, started once from instrumentation.ts (Node.js runtime, not during
 * `next build`, never in tests). Each job takes a job lease before working, so with several instances one runs
 * it at a time. They stop on SIGTERM/SIGINT (their timers are unref'd, so they never keep the process alive).
 */
const globalJobs = globalThis as typeof globalThis & {
  __visitorChatJobs?: { sweeper: ReplySweeper; webhooks: WebhookWorker };
};

export function startBackgroundJobs(): void {
  if (globalJobs.__visitorChatJobs) return;
  const holder = leaseHolderId();
  const sweeper = startReplySweeper({
    // The runtime opens the database lazily (and retries a failed start-up on the next call).
    getDb: async () => (await getChatRuntime()).database.db,
    holder,
    leaseMs: env.REPLY_LEASE_SECONDS * 1000,
    intervalMs: env.REPLY_SWEEP_SECONDS * 1000,
    events: getEventBus,
  });
  const webhooks = startWebhookWorker({
    enabled: env.WEBHOOKS_DELIVERY === "on",
    getDatabase: async () => (await getChatRuntime()).database,
    holder,
    intervalMs: env.WEBHOOKS_POLL_MS,
    config: {
      now: () => new Date(),
      timeoutMs: env.WEBHOOKS_TIMEOUT_SECONDS * 1000,
      concurrencyPerEndpoint: env.WEBHOOKS_CONCURRENCY_PER_ENDPOINT,
      allowPrivate: env.WEBHOOKS_ALLOW_PRIVATE,
    },
  });
  globalJobs.__visitorChatJobs = { sweeper, webhooks };
  const retentionDays = env.RETENTION_DAYS;
  const retention =
    retentionDays === undefined
      ? undefined
      : startRetentionJob({
          getDeps: async () => (await getChatRuntime()).deps,
          holder,
          days: retentionDays,
          intervalMs: RETENTION_INTERVAL_MS,
        });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void sweeper.stop();
      void webhooks.stop();
      void retention?.stop();
    });
  }
}
