import { chatInputSchema, type ChatStreamEvent } from "../chat/messages/message.schema";
import { chatStreamEvents, openChat } from "../chat/messages/messages.service";
import { drainRepliesAfterResponse } from "../runtime/drain";
import { getChatDeps } from "../runtime/runtime";
import { clientIp, enforceRateLimit } from "../protection/rate-limits";
import { restErrorResponse, toRestError } from "./errors";
import { iteratorStream } from "./iterator-stream";
import { readJsonBody } from "./request-body";
import { logError, requestIdOf } from "../observability/logger";

const encoder = new TextEncoder();

/** One SSE frame: the event type as `event:`, the rest of the event as JSON `data:`. */
function sseFrame(event: ChatStreamEvent): Uint8Array {
  const { type, ...payload } = event;
  return encoder.encode(`event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`);
}

/**
 * POST /api/chats/messages/chat/stream/: the streamed chat as Server-Sent Events. A plain route handler
 * (trpc-to-openapi cannot stream) over the same domain functions as messages.chatStream. Everything that can
 * be refused is refused before the stream starts, as an ordinary JSON error.
 */
export async function handleChatStreamRequest(request: Request): Promise<Response> {
  let events: AsyncIterator<ChatStreamEvent>;
  try {
    const input = chatInputSchema.parse(await readJsonBody(request));
    await enforceRateLimit("sendMessage", {
      ip: clientIp(request.headers),
      visitorId: input.visitor_id,
      sessionId: input.session_id,
    });
    const started = await openChat(await getChatDeps(), input);
    drainRepliesAfterResponse();
    events = chatStreamEvents(started)[Symbol.asyncIterator]();
  } catch (error) {
    const restError = toRestError(error);
    if (restError.status >= 500)
      logError("chat stream: could not start", error, { requestId: requestIdOf(request.headers) });
    return restErrorResponse(restError);
  }

  // If the client goes away we stop listening; the reply itself keeps running and is stored when it ends.
  const body = iteratorStream(events, sseFrame);
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
