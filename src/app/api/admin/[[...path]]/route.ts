import { handleRestRequest } from "~/server/rest/handler";

// Admin REST endpoints (/api/admin/...): the admin tRPC procedures in the REST envelope. Exports are files and
// have their own routes under ./exports. Every method goes through the bridge, so an unserved one is a 405 with Allow.
export const GET = handleRestRequest;
export const HEAD = handleRestRequest;
export const POST = handleRestRequest;
export const PATCH = handleRestRequest;
export const PUT = handleRestRequest;
export const DELETE = handleRestRequest;
