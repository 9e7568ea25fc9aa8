/**
 * Webhook delivery counters, for a metrics exporter to read or subscribe to (no metrics library here):
 * `webhookDeliveryCounts()` is a snapshot of the totals of this process; `onWebhookDelivery(listener)` is called
 * after every attempt (and returns an unsubscribe function).
 */
import { metrics } from "../observability/metrics";
import { logError } from "../observability/logger";

export type WebhookAttemptOutcome = "succeeded" | "retrying" | "failed";

export interface WebhookAttempt {
  endpoint_id: string;
  event_type: string;
  outcome: WebhookAttemptOutcome;
  /** The HTTP status, or null when no response came (timeout, refused, SSRF). */
  status: number | null;
  duration_ms: number;
}

const counts = { attempts: 0, succeeded: 0, retrying: 0, failed: 0, endpoints_disabled: 0 };
const listeners = new Set<(attempt: WebhookAttempt) => void>();

export function webhookDeliveryCounts(): Readonly<typeof counts> {
  return { ...counts };
}

export function onWebhookDelivery(listener: (attempt: WebhookAttempt) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function recordWebhookAttempt(attempt: WebhookAttempt): void {
  counts.attempts += 1;
  counts[attempt.outcome] += 1;
  metrics.webhookDeliveries.inc({ outcome: attempt.outcome });
  for (const listener of listeners) {
    try {
      listener(attempt);
    } catch (error) {
      logError("webhooks: a delivery listener failed", error);
    }
  }
}

export function recordEndpointDisabled(): void {
  counts.endpoints_disabled += 1;
}
