import type { AuditBy } from "../chat/audit/audit-record";
import { auditByOf } from "../admin/auth/admin-access";
import { exportSessions, exportTranscript, type ExportFile } from "../admin/exports/exports.service";
import type { ExportSessionsInput, ExportTranscriptInput } from "../admin/exports/exports.schema";
import type { ChatDeps } from "../chat/deps";
import { clientIp } from "../protection/client-address";
import { AppError } from "../errors/app-error";
import { iteratorStream } from "./iterator-stream";
import type { RouteCall } from "./route";

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
 * The export files (CSV or JSON downloads) as plain route handlers over the same domain functions; the admin
 * access check, the input and the error envelope are the route table's (routes.ts).
 */
async function handleExport<Input>(
  { request, deps, principal, input }: RouteCall<Input>,
  produce: (deps: ChatDeps, input: Input, by: AuditBy) => ExportFile | Promise<ExportFile>,
): Promise<Response> {
  if (principal) {
    // The export service records it in the audit log once the export is known to exist.
    const file = await produce(deps, input, auditByOf(principal, clientIp(request.headers)));
    return exportFileResponse(file);
  }
  throw new AppError("UNAUTHORIZED");
}

/** GET /api/admin/exports/sessions/{id}/?format=csv|json — one transcript. */
export function transcriptExport(call: RouteCall<ExportTranscriptInput>): Promise<Response> {
  return handleExport(call, exportTranscript);
}

/** GET /api/admin/exports/sessions/?from=&to=&format=csv|json — every session started in the range. */
export function sessionsExport(call: RouteCall<ExportSessionsInput>): Promise<Response> {
  return handleExport(call, exportSessions);
}
