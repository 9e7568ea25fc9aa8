import { handleChatStreamRequest } from "~/server/rest/chat-stream";
import { methodNotAllowedResponse } from "~/server/rest/methods";

export const POST = handleChatStreamRequest;

/** Other methods get the REST error envelope and Allow like every other endpoint (Next.js alone: an empty 405). */
function methodNotAllowed(request: Request): Response {
  return methodNotAllowedResponse(new URL(request.url).pathname, "CHAT_STREAM_METHOD_NOT_ALLOWED");
}

export {
  methodNotAllowed as GET,
  methodNotAllowed as HEAD,
  methodNotAllowed as PUT,
  methodNotAllowed as PATCH,
  methodNotAllowed as DELETE,
};
