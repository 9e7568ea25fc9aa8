import { type ChatInput, type ChatStreamEvent } from "../chat/messages/message.schema";
import { chatStreamEvents, openChat } from "../chat/messages/messages.service";
import { drainRepliesAfterResponse } from "../runtime/drain";
import type { RouteCall } from "./route";
import { sseResponse, type SseFrame } from "./sse";

/** One SSE frame: the event type as `event:`, the rest of the event as JSON `data:`. */
function chatFrame(event: ChatStreamEvent): SseFrame {
  const { type, ...payload } = event;
  return { event: type, data: payload };
}

/**
 * POST /api/chats/messages/chat/stream/: the streamed chat as Server-Sent Events. A plain route handler
 * (trpc-to-openapi cannot stream) over the same domain functions as messages.chatStream. Everything that can
 * be refused is refused before the stream starts, as an ordinary JSON error (routes.ts: input, rate limit).
 */
export async function chatStream({ deps, input }: RouteCall<ChatInput>): Promise<Response> {
  const started = await openChat(deps, input);
  drainRepliesAfterResponse();
  // If the client goes away we stop listening; the reply itself keeps running and is stored when it ends.
  return sseResponse(chatStreamEvents(started)[Symbol.asyncIterator](), chatFrame, { name: "chat stream" });
}
