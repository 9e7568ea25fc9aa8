import { restRouteExports } from "~/server/rest/route-exports";

// An email's stop link: declared in src/server/rest/routes.ts.
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRouteExports("/inbound/email/stop");
