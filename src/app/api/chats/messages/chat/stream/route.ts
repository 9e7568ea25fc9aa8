import { handleChatStreamRequest } from "~/server/rest/chat-stream";
import { methodNotAllowedResponse } from "~/server/rest/methods";
import { restPreflight, withRestHeaders } from "~/server/rest/rest-headers";

export const POST = withRestHeaders(handleChatStreamRequest);
export const OPTIONS = restPreflight;

/** Other methods get the REST error envelope and Allow like every other endpoint (Next.js alone: an empty 405). */
const methodNotAllowed = withRestHeaders((request: Request) =>
  methodNotAllowedResponse(new URL(request.url).pathname, "CHAT_STREAM_METHOD_NOT_ALLOWED"),
);

export {
  methodNotAllowed as GET,
  methodNotAllowed as HEAD,
  methodNotAllowed as PUT,
  methodNotAllowed as PATCH,
  methodNotAllowed as DELETE,
};
