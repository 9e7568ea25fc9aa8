import { handleRestRequest } from "~/server/rest/handler";

// The REST bridge (the seed's /api/chats/... endpoints). Both /path and /path/ answer (skipTrailingSlashRedirect).
// A method a path does not serve (HEAD included) is a 405 with Allow in the envelope (src/server/rest/methods.ts).
export const GET = handleRestRequest;
export const HEAD = handleRestRequest;
export const POST = handleRestRequest;
export const PATCH = handleRestRequest;
export const PUT = handleRestRequest;
export const DELETE = handleRestRequest;
