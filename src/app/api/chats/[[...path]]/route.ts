import { handleRestRequest } from "~/server/rest/handler";

// The REST bridge (the seed's /api/chats/... endpoints). Both /path and /path/ answer (skipTrailingSlashRedirect).
export const GET = handleRestRequest;
export const POST = handleRestRequest;
export const PATCH = handleRestRequest;
export const PUT = handleRestRequest;
export const DELETE = handleRestRequest;
