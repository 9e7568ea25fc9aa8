import type { Db } from "../db/client";
import type { Dialect } from "../db/database-url";
import { runWebhookRound, type WebhookWorkerConfig } from "../webhooks/worker";
import { acquireLease, releaseLease } from "./lease";
import { logError } from "../observability/logger";

export const WEBHOOK_WORKER_JOB = "webhook-worker";

export interface WebhookWorker {
  /** Runs rounds now until nothing is due (or the round limit); resolves with the attempts made. */
  tick(): Promise<number>;
  /** Stops the timer, waits for the round in progress and gives the job lease up. */
  stop(): Promise<void>;
}

/** Rounds per tick at most, so a large backlog does not keep one tick going forever. */
const MAX_ROUNDS_PER_TICK = 20;

/**
 * Every `intervalMs` (and once at start) delivers webhooks (src/server/webhooks/worker.ts). On PostgreSQL every
 * instance works (rows are claimed with FOR UPDATE SKIP LOCKED); on SQLite one instance at a time, the holder of
 * the job lease (a single writer). Errors (the database away) are logged once per outage and retried on the next
 * tick. The timer is unref'd.
 */
export function startWebhookWorker(options: {
  /** false: no timer, tick() does nothing (WEBHOOKS_DELIVERY=off). */
  enabled?: boolean;
  getDatabase: () => Promise<{ db: Db; dialect: Dialect }>;
  holder: string;
  intervalMs: number;
  config: Omit<WebhookWorkerConfig, "db" | "dialect" | "holder">;
}): WebhookWorker {
  let failing = false;
  let running: Promise<number> | undefined;
  let stopped = false;
  const ttlMs = Math.max(options.intervalMs * 3, options.config.timeoutMs * 2 + 30_000);

  const work = async (): Promise<number> => {
    if (options.enabled === false) return 0;
    try {
      const { db, dialect } = await options.getDatabase();
      if (dialect === "sqlite") {
        const now = options.config.now();
        if (!(await acquireLease(db, { name: WEBHOOK_WORKER_JOB, holder: options.holder, ttlMs, now })))
          return 0;
      }
      const config: WebhookWorkerConfig = { ...options.config, db, dialect, holder: options.holder };
      let attempts = 0;
      for (let round = 0; round < MAX_ROUNDS_PER_TICK && !stopped; round += 1) {
        const outcomes = await runWebhookRound(config);
        attempts += outcomes.length;
        if (outcomes.length === 0) break;
      }
      failing = false;
      return attempts;
    } catch (error) {
      if (!failing) logError("webhooks: could not deliver (retrying every interval)", error);
      failing = true;
      return 0;
    }
  };
  /** One tick at a time: a slow one is not stacked. */
  const tick = () => (running ??= work().finally(() => (running = undefined)));

  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  if (options.enabled === false) clearInterval(timer);

  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      try {
        const { db, dialect } = await options.getDatabase();
        if (dialect === "sqlite") await releaseLease(db, WEBHOOK_WORKER_JOB, options.holder);
      } catch {
        // The lease expires by itself.
      }
    },
  };
}
