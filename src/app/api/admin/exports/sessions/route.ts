import { handleSessionsExport } from "~/server/rest/admin-exports";
import { refuseMethod } from "~/server/rest/methods";

export const GET = handleSessionsExport;
export { refuseMethod as HEAD, refuseMethod as POST, refuseMethod as PUT, refuseMethod as PATCH };
export { refuseMethod as DELETE };
