import { refuseMethod } from "~/server/rest/methods";
import { handleKnowledgeUpload } from "~/server/rest/admin-knowledge-upload";

export const POST = handleKnowledgeUpload;
export { refuseMethod as HEAD, refuseMethod as GET, refuseMethod as PUT, refuseMethod as PATCH };
export { refuseMethod as DELETE };
