import { handleTranscriptExport } from "~/server/rest/admin-exports";

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleTranscriptExport(request, (await context.params).id);
}
