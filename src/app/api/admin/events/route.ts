import { restRouteExports } from "~/server/rest/route-exports";

// Every conversation's events (admin, Server-Sent Events): declared in src/server/rest/routes.ts (methods, access, input, OpenAPI, handler).
export const dynamic = "force-dynamic";
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRouteExports("/admin/events");
