import type { Db } from "../db/client";
import type { Dialect } from "../db/database-url";
import { startWebhookRound, WebhookAttempts, type WebhookWorkerConfig } from "../webhooks/worker";
import { startLeasedJob, type LeasedJob } from "./leased-job";

export const WEBHOOK_WORKER_JOB = "webhook-worker";

/**
 * tick() starts rounds now until nothing more can be claimed (or the round limit); resolves with the attempts
 * started (they run on, each on its own: see WebhookAttempts). stop() also waits for the attempts in flight.
 */
export type WebhookWorker = LeasedJob<number>;

/** Rounds per tick at most, so a large backlog does not keep one tick going forever. */
const MAX_ROUNDS_PER_TICK = 20;

/**
 * Every `intervalMs` (and once at start) delivers webhooks (src/server/webhooks/worker.ts). On PostgreSQL every
 * instance works (rows are claimed with FOR UPDATE SKIP LOCKED); on SQLite one instance at a time, the holder of
 * the job lease (a single writer).
 */
export function startWebhookWorker(options: {
  /** false: no timer, tick() does nothing (WEBHOOKS_DELIVERY=off). */
  enabled?: boolean;
  getDatabase: () => Promise<{ db: Db; dialect: Dialect }>;
  holder: string;
  intervalMs: number;
  config: Omit<WebhookWorkerConfig, "db" | "dialect" | "holder">;
}): WebhookWorker {
  const attempts = new WebhookAttempts();
  const job = startLeasedJob({
    name: WEBHOOK_WORKER_JOB,
    holder: options.holder,
    everyMs: options.intervalMs,
    leaseMs: Math.max(options.intervalMs * 3, options.config.timeoutMs * 2 + 30_000),
    getDeps: options.getDatabase,
    enabled: options.enabled,
    leased: ({ dialect }) => dialect === "sqlite",
    now: options.config.now,
    idle: 0,
    failure: "webhooks: could not deliver (retrying every interval)",
    async tick({ db, dialect }, { stopping }) {
      const config: WebhookWorkerConfig = { ...options.config, db, dialect, holder: options.holder };
      let started = 0;
      for (let round = 0; round < MAX_ROUNDS_PER_TICK && !stopping(); round += 1) {
        const count = await startWebhookRound(config, attempts);
        started += count;
        if (count === 0) break;
      }
      return started;
    },
  });
  return {
    tick: job.tick,
    async stop() {
      await job.stop();
      await attempts.settled();
    },
  };
}
