import { restRouteExports } from "~/server/rest/route-exports";

// The team report as CSV (admin, agent): declared in src/server/rest/routes.ts (methods, access, input, OpenAPI, handler).
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRouteExports("/admin/reports/csv");
