import { emailEnabled, type ChatDeps } from "../chat/deps";
import { queueAgentAlerts, queueDailyDigest } from "../chat/email/agent-alerts";
import { queueContinuityEmails } from "../chat/email/continuity";
import { runEmailRound } from "../email/delivery";
import { startLeasedJob, type LeasedJob } from "./leased-job";

export const EMAIL_WORKER_JOB = "email-worker";
export const EMAIL_WORKER_EVERY_MS = 5_000;
const MAX_ROUNDS_PER_TICK = 10;

export interface EmailTick {
  continuity: number;
  alerts: number;
  digests: number;
  sent: number;
  retried: number;
  failed: number;
}

const IDLE: EmailTick = { continuity: 0, alerts: 0, digests: 0, sent: 0, retried: 0, failed: 0 };

/**
 * Every `intervalMs` (and once at start), on one instance at a time: queues what is due — continuity emails to
 * visitors who are away, alerts and the daily digest to agents — then sends the outbox (src/server/email/delivery.ts:
 * retries with backoff). Off (no timer) without SMTP_URL and MAIL_FROM.
 */
export function startEmailWorker(options: {
  getDeps: () => Promise<ChatDeps>;
  holder: string;
  enabled: boolean;
  intervalMs?: number;
  /** false: no timer, runs only on tick() (tests). */
  schedule?: boolean;
  now?: () => Date;
}): LeasedJob<EmailTick> {
  const everyMs = options.intervalMs ?? EMAIL_WORKER_EVERY_MS;
  const clock = options.now ?? (() => new Date());
  return startLeasedJob({
    name: EMAIL_WORKER_JOB,
    holder: options.holder,
    everyMs,
    leaseMs: Math.max(everyMs * 3, 60_000),
    getDeps: options.getDeps,
    enabled: options.enabled,
    schedule: options.schedule,
    now: clock,
    idle: IDLE,
    failure: "email: could not queue or send emails (retrying every interval)",
    async tick(deps, { now, stopping }) {
      const config = deps.config.email;
      if (!emailEnabled(config)) return IDLE;
      const result = { ...IDLE };
      result.continuity = await queueContinuityEmails(deps, now);
      result.alerts = await queueAgentAlerts(deps, now);
      result.digests = await queueDailyDigest(deps, now);
      for (let round = 0; round < MAX_ROUNDS_PER_TICK && !stopping(); round += 1) {
        const outcomes = await runEmailRound({
          db: deps.db,
          smtpUrl: config.smtpUrl,
          from: config.from,
          holder: options.holder,
          now: clock,
        });
        for (const outcome of outcomes) {
          if (outcome.status === "sent") result.sent += 1;
          else if (outcome.status === "retry") result.retried += 1;
          else result.failed += 1;
        }
        if (outcomes.every((outcome) => outcome.status !== "sent")) break;
      }
      return result;
    },
  });
}
