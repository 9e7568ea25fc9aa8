import { handleSessionsExport } from "~/server/rest/admin-exports";

export const GET = handleSessionsExport;
