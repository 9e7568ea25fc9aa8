import { handleTranscriptExport } from "~/server/rest/admin-exports";
import { refuseMethod } from "~/server/rest/methods";

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleTranscriptExport(request, (await context.params).id);
}

export { refuseMethod as HEAD, refuseMethod as POST, refuseMethod as PUT, refuseMethod as PATCH };
export { refuseMethod as DELETE };
