import { handleRestRequest } from "~/server/rest/handler";
import { restPreflight, withRestHeaders } from "~/server/rest/rest-headers";

// The REST bridge (the seed's /api/chats/... endpoints). Both /path and /path/ answer (skipTrailingSlashRedirect).
// A method a path does not serve (HEAD included) is a 405 with Allow in the envelope (src/server/rest/methods.ts).
const handler = withRestHeaders(handleRestRequest);
export const GET = handler;
export const HEAD = handler;
export const POST = handler;
export const PATCH = handler;
export const PUT = handler;
export const DELETE = handler;
export const OPTIONS = restPreflight;
