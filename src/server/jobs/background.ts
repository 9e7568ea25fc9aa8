import { env } from "~/env";
import { getChatRuntime } from "../runtime/runtime";
import { chatConfigFrom } from "../runtime/config";
import { emailEnabled } from "../chat/deps";
import { startEmailWorker } from "./email-worker";
import { startHandoffTimeoutJob } from "./handoff-timeout";
import type { LeasedJob } from "./leased-job";
import { leaseHolderId } from "./lease";
import { startReplySweeper } from "./reply-sweeper";
import { startRetentionJob } from "./retention";
import { startWebhookWorker } from "./webhook-worker";

/** How often retention (RETENTION_DAYS) runs. */
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The background jobs of a server process, started once from instrumentation.ts (Node.js runtime, not during
 * `next build`, never in tests). Each is a leased job (./leased-job.ts): it takes a job lease before working, so
 * with several instances one runs it at a time. They stop on SIGTERM/SIGINT (their timers are unref'd, so they
 * never keep the process alive).
 */
const globalJobs = globalThis as typeof globalThis & { __visitorChatJobs?: LeasedJob<unknown>[] };

export function startBackgroundJobs(): void {
  if (globalJobs.__visitorChatJobs) return;
  const holder = leaseHolderId();
  // The runtime opens the database lazily (and retries a failed start-up on the next call).
  const getDeps = async () => (await getChatRuntime()).deps;
  const jobs: LeasedJob<unknown>[] = [
    startReplySweeper({ getDeps, holder, intervalMs: env.REPLY_SWEEP_SECONDS * 1000 }),
    startHandoffTimeoutJob({ getDeps, holder }),
    startEmailWorker({ getDeps, holder, enabled: emailEnabled(chatConfigFrom().email) }),
    startWebhookWorker({
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
    }),
  ];
  const retentionDays = env.RETENTION_DAYS;
  if (retentionDays !== undefined)
    jobs.push(startRetentionJob({ getDeps, holder, days: retentionDays, intervalMs: RETENTION_INTERVAL_MS }));
  globalJobs.__visitorChatJobs = jobs;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      for (const job of jobs) void job.stop();
    });
  }
}
