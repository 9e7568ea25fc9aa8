import { restRouteExports } from "~/server/rest/route-exports";

// A help article from an uploaded file (admin): declared in src/server/rest/routes.ts (methods, access, input, OpenAPI, handler).
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRouteExports("/admin/knowledge/upload");
