import { handleRestRequest } from "~/server/rest/handler";

// Admin REST endpoints (/api/admin/...): the admin tRPC procedures in the REST envelope. Exports are files and
// have their own routes under ./exports.
export const GET = handleRestRequest;
export const POST = handleRestRequest;
