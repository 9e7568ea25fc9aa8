import { restRouteExports } from "~/server/rest/route-exports";

// Replies by email (raw message/rfc822, bearer INBOUND_EMAIL_SECRET): declared in src/server/rest/routes.ts.
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRouteExports("/inbound/email");
