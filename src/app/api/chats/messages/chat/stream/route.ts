import { restRouteExports } from "~/server/rest/route-exports";

// The streamed chat (Server-Sent Events): declared in src/server/rest/routes.ts (methods, access, input, OpenAPI, handler).
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRouteExports(
  "/chats/messages/chat/stream",
);
