import { env } from "~/env";
import type {
  AdminAttachmentInput,
  AdminUploadInput,
  VisitorAttachmentInput,
  VisitorUploadInput,
} from "../chat/attachments/attachment.schema";
import type { AttachmentMeta } from "../chat/attachments/attachment-dto";
import { isInlineImage } from "../chat/attachments/file-kind";
import { readAttachment, uploadAttachment, type Uploader } from "../chat/attachments/attachments.service";
import { AppError } from "../errors/app-error";
import { readBodyBytes } from "../protection/body-limit";
import { isSameOriginRequest } from "../protection/same-origin";
import type { RouteCall } from "./route";

/** Room for the multipart framing around the file (boundaries, part headers). */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

/**
 * The one file of a multipart upload (field `file`). The body is counted as it streams in and refused with 413
 * as soon as it passes ATTACHMENT_MAX_BYTES and the framing (never buffered beyond that); the file's own size is
 * checked exactly by the upload verb.
 */
async function uploadedFile(
  request: Request,
  maxBytes: number,
): Promise<{ name: string; bytes: Uint8Array }> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType))
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "send the file as multipart/form-data in the field `file`" },
      fieldErrors: { file: ["send the file as multipart/form-data in the field `file`"] },
    });
  const tooLarge = () =>
    new AppError("ATTACHMENT_TOO_LARGE", { params: { maxKb: Math.floor(maxBytes / 1024) } });
  const body = await readBodyBytes(request, { maxBytes: maxBytes + MULTIPART_OVERHEAD_BYTES, tooLarge });
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "the body is not valid multipart/form-data" },
    });
  }
  const files = form.getAll("file").filter((value): value is File => value instanceof Blob);
  if (files.length !== 1)
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "send exactly one file in the multipart field `file`" },
      fieldErrors: { file: [files.length === 0 ? "file is required" : "send one file per request"] },
    });
  const file = files[0]!;
  return { name: file.name || "file", bytes: new Uint8Array(await file.arrayBuffer()) };
}

async function upload(call: RouteCall<{ id: string }>, uploader: Uploader): Promise<Response> {
  const { name, bytes } = await uploadedFile(call.request, call.deps.config.attachmentMaxBytes);
  const data = await uploadAttachment(call.deps, { sessionId: call.input.id, uploader, name, bytes });
  return Response.json({ success: true, message: "File uploaded.", data }, { status: 201 });
}

/** POST /api/chats/sessions/{id}/attachments/?visitor_id=… — the conversation's visitor uploads one file. */
export function visitorUpload(call: RouteCall<VisitorUploadInput>): Promise<Response> {
  return upload(call, { kind: "visitor", visitorId: call.input.visitor_id });
}

/** POST /api/admin/sessions/{id}/attachments/ — an agent uploads one file into a conversation. */
export function agentUpload(call: RouteCall<AdminUploadInput>): Promise<Response> {
  if (call.principal?.kind === "session" && !isSameOriginRequest(call.request.headers, env.BETTER_AUTH_URL))
    throw new AppError("CROSS_SITE_ADMIN_REQUEST");
  return upload(call, { kind: "agent" });
}

/** RFC 5987/6266 file name: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(kind: "attachment" | "inline", name: string): string {
  const ascii = name.replace(/[^\x20-\x7E]|["\\;]/g, "_");
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * A stored file as its download: an attachment with its name, never sniffed, sandboxed (a file a browser
 * opened anyway could run nothing); an image (by its bytes) inline when asked (`?inline=1`).
 */
function fileResponse(attachment: AttachmentMeta, bytes: Uint8Array, inline: boolean): Response {
  const showInline = inline && isInlineImage(attachment.content_type);
  return new Response(new Uint8Array(bytes), {
    headers: {
      "content-type": attachment.content_type,
      "content-length": String(bytes.byteLength),
      "content-disposition": contentDisposition(showInline ? "inline" : "attachment", attachment.name),
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox; default-src 'none'",
      "cache-control": "private, no-store",
    },
  });
}

/** GET /api/chats/sessions/{id}/attachments/{attachment_id}/?visitor_id=… — the conversation's visitor only. */
export async function visitorDownload({ deps, input }: RouteCall<VisitorAttachmentInput>): Promise<Response> {
  const { attachment, bytes } = await readAttachment(deps, {
    sessionId: input.id,
    attachmentId: input.attachment_id,
    visitorId: input.visitor_id,
  });
  return fileResponse(attachment, bytes, input.inline === "1");
}

/** GET /api/admin/sessions/{id}/attachments/{attachment_id}/ — agents. */
export async function agentDownload({ deps, input }: RouteCall<AdminAttachmentInput>): Promise<Response> {
  const { attachment, bytes } = await readAttachment(deps, {
    sessionId: input.id,
    attachmentId: input.attachment_id,
  });
  return fileResponse(attachment, bytes, input.inline === "1");
}
