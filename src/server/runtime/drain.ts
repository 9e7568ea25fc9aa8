import { after } from "next/server";
import { inflightReplies } from "../chat/messages/reply-run";

/**
 * Keeps the replies being generated alive past the response that started them: Next.js finishes pending
 * `after()` work before a graceful shutdown (SIGTERM/SIGINT) exits, so a reply whose client went away is still
 * completed and stored. Called by the transports that start replies (tRPC, REST, SSE).
 */
export function drainRepliesAfterResponse(): void {
  after(async () => {
    await Promise.allSettled(inflightReplies());
  });
}

/**
 * The same, for a transport that calls it once its work is done: `after()` costs on every request, so it is
 * registered only while replies are being generated in this process.
 */
export function drainRepliesIfRunning(): void {
  if (inflightReplies().length > 0) drainRepliesAfterResponse();
}
