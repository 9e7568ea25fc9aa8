import { handleChatStreamRequest } from "~/server/rest/chat-stream";

export const POST = handleChatStreamRequest;
