/**
 * The one source of a message's status values and of which of them a visitor may retry. Pure (no imports): the
 * widget imports it too.
 */
export const MESSAGE_STATUSES = ["complete", "streaming", "failed", "stopped"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** A reply in one of these states can be regenerated in place (retry). */
export const RETRYABLE_STATUSES: ReadonlySet<MessageStatus> = new Set<MessageStatus>(["failed", "stopped"]);

export function isRetryableStatus(status: string): boolean {
  return RETRYABLE_STATUSES.has(status as MessageStatus);
}
