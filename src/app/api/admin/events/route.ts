import { handleAdminEventsRequest } from "~/server/rest/admin-events";
import { refuseMethod } from "~/server/rest/methods";

export const dynamic = "force-dynamic";
export const GET = handleAdminEventsRequest;
export { refuseMethod as HEAD, refuseMethod as POST, refuseMethod as PUT, refuseMethod as PATCH };
export { refuseMethod as DELETE };
