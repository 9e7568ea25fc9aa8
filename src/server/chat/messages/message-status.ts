/** A message's status values and which of them a visitor may retry: defined once in src/shared/message-status.ts. */
export {
  isRetryableStatus,
  MESSAGE_STATUSES,
  RETRYABLE_STATUSES,
  type MessageStatus,
} from "~/shared/message-status";
