import type { Db } from "../db/client";
import type { Dialect } from "../db/database-url";
import { runWebhookRound, type WebhookWorkerConfig } from "../webhooks/worker";
import { startLeasedJob, type LeasedJob } from "./leased-job";

export const WEBHOOK_WORKER_JOB = "webhook-worker";

/** tick() runs rounds now until nothing is due (or the round limit); resolves with the attempts made. */
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
  return startLeasedJob({
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
      let attempts = 0;
      for (let round = 0; round < MAX_ROUNDS_PER_TICK && !stopping(); round += 1) {
        const outcomes = await runWebhookRound(config);
        attempts += outcomes.length;
        if (outcomes.length === 0) break;
      }
      return attempts;
    },
  });
}
