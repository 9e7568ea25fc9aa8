import { registerNodeRoute, SESSION_EVENTS_PATH } from "~/server/rest/node-routes";
import { restRouteExports } from "~/server/rest/route-exports";

// A session's events (Server-Sent Events): declared in src/server/rest/routes.ts (methods, access, input, OpenAPI, handler).
export const dynamic = "force-dynamic";
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRouteExports(
  "/chats/sessions/{id}/events",
);

// The GET (a stream open as long as its visitor follows) is served by scripts/start.ts on Node.js' own request and
// response, with this same handler: src/server/rest/node-routes.ts says why.
registerNodeRoute("session events", {
  method: "GET",
  pattern: SESSION_EVENTS_PATH,
  handler: async (request, context) => GET(request, context),
});
