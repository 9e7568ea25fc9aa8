import { handleChatStreamRequest } from "~/server/rest/chat-stream";
import { restErrorResponse } from "~/server/rest/errors";

export const POST = handleChatStreamRequest;

/** Other methods get the REST error envelope like every other endpoint (Next.js alone answers an empty 405). */
function methodNotAllowed(): Response {
  const response = restErrorResponse({
    status: 405,
    body: {
      success: false,
      code: "METHOD_NOT_ALLOWED",
      message:
        "Use POST: /api/chats/messages/chat/stream/ streams the reply to the message sent in the body.",
    },
  });
  response.headers.set("allow", "POST");
  return response;
}

export {
  methodNotAllowed as GET,
  methodNotAllowed as PUT,
  methodNotAllowed as PATCH,
  methodNotAllowed as DELETE,
};
