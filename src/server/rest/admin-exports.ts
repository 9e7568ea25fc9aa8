import type { z } from "zod";
import type { AuditBy } from "../chat/audit/audit-record";
import { auditByOf, requireAdmin } from "../admin/auth/admin-access";
import { exportSessions, exportTranscript, type ExportFile } from "../admin/exports/exports.service";
import { exportSessionsInputSchema, exportTranscriptInputSchema } from "../admin/exports/exports.schema";
import type { ChatDeps } from "../chat/deps";
import { clientIp } from "../protection/client-address";
import { getChatDeps } from "../runtime/runtime";
import { restErrorResponse, toRestError } from "./errors";
import { iteratorStream } from "./iterator-stream";
import { logError, requestIdOf } from "../observability/logger";

const encoder = new TextEncoder();

/** An export file as the download response: its chunks streamed, encoded as UTF-8, as an attachment. */
export function exportFileResponse(file: ExportFile): Response {
  const body = iteratorStream(file.chunks[Symbol.asyncIterator](), (chunk) => encoder.encode(chunk));
  return new Response(body, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename}"`,
      "cache-control": "no-store",
    },
  });
}

/**
 * The export files (CSV or JSON downloads) as plain route handlers over the same domain functions, with the same
 * admin access check as adminProcedure and the REST error envelope for every refusal.
 */
async function handleExport<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
  params: Record<string, string>,
  produce: (deps: ChatDeps, input: z.output<Schema>, by: AuditBy) => ExportFile | Promise<ExportFile>,
): Promise<Response> {
  try {
    const deps = await getChatDeps();
    const principal = await requireAdmin(deps, request.headers);
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const input = schema.parse({ ...query, ...params });
    // The export service records it in the audit log once the export is known to exist.
    const file = await produce(deps, input, auditByOf(principal, clientIp(request.headers)));
    return exportFileResponse(file);
  } catch (error) {
    const restError = toRestError(error);
    if (restError.status >= 500)
      logError("admin export failed", error, { requestId: requestIdOf(request.headers) });
    return restErrorResponse(restError);
  }
}

/** GET /api/admin/exports/sessions/{id}/?format=csv|json — one transcript. */
export function handleTranscriptExport(request: Request, id: string): Promise<Response> {
  return handleExport(request, exportTranscriptInputSchema, { id }, exportTranscript);
}

/** GET /api/admin/exports/sessions/?from=&to=&format=csv|json — every session started in the range. */
export function handleSessionsExport(request: Request): Promise<Response> {
  return handleExport(request, exportSessionsInputSchema, {}, exportSessions);
}
