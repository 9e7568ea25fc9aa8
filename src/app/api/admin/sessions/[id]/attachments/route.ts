import { restRouteExports } from "~/server/rest/route-exports";

// Attachments (issue 26 item 7): declared in src/server/rest/routes.ts (methods, access, input, OpenAPI, handler).
export const dynamic = "force-dynamic";
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRouteExports(
  "/admin/sessions/{id}/attachments",
);
