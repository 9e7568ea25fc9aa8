import { restRouteExports } from "~/server/rest/route-exports";

// A session's events (Server-Sent Events): declared in src/server/rest/routes.ts (methods, access, input, OpenAPI, handler).
export const dynamic = "force-dynamic";
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRouteExports(
  "/chats/sessions/{id}/events",
);
