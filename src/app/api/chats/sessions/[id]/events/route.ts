import { refuseMethod } from "~/server/rest/methods";
import { handleSessionEventsRequest } from "~/server/rest/session-events";

// A session's events as Server-Sent Events (src/server/rest/session-events.ts). Other methods: 405 with Allow.
export const GET = handleSessionEventsRequest;
export const dynamic = "force-dynamic";

export {
  refuseMethod as HEAD,
  refuseMethod as POST,
  refuseMethod as PUT,
  refuseMethod as PATCH,
  refuseMethod as DELETE,
};
