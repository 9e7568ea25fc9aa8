import { handleChatStreamRequest } from "~/server/rest/chat-stream";
import { AppError } from "~/server/errors/app-error";
import { restErrorResponse, toRestError } from "~/server/rest/errors";

export const POST = handleChatStreamRequest;

/** Other methods get the REST error envelope like every other endpoint (Next.js alone answers an empty 405). */
function methodNotAllowed(): Response {
  const response = restErrorResponse(toRestError(new AppError("CHAT_STREAM_METHOD_NOT_ALLOWED")));
  response.headers.set("allow", "POST");
  return response;
}

export {
  methodNotAllowed as GET,
  methodNotAllowed as PUT,
  methodNotAllowed as PATCH,
  methodNotAllowed as DELETE,
};
