import { refuseMethod } from "~/server/rest/methods";
import { restPreflight, withRestHeaders } from "~/server/rest/rest-headers";
import { handleSessionEventsRequest } from "~/server/rest/session-events";

// A session's events as Server-Sent Events (src/server/rest/session-events.ts). Other methods: 405 with Allow.
export const GET = withRestHeaders(handleSessionEventsRequest);
export const OPTIONS = restPreflight;
export const dynamic = "force-dynamic";

const refused = withRestHeaders(refuseMethod);

export { refused as HEAD, refused as POST, refused as PUT, refused as PATCH, refused as DELETE };
