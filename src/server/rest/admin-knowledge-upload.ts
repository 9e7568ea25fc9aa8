import { env } from "~/env";
import { auditByOf } from "../admin/auth/admin-access";
import { AppError } from "../errors/app-error";
import { readBodyBytes } from "../protection/body-limit";
import { clientIp } from "../protection/client-address";
import { isSameOriginRequest } from "../protection/same-origin";
import type { RouteCall } from "./route";

/** Room for the multipart framing around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

function readLimited(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () =>
    new AppError("KNOWLEDGE_IMPORT_TOO_LARGE", {
      params: { url: "the upload", maxKb: Math.floor(env.KNOWLEDGE_IMPORT_MAX_BYTES / 1024) },
    });
  return readBodyBytes(request, { maxBytes, tooLarge });
}

/**
 * POST /api/admin/knowledge/upload/ — one file (multipart field `file`) imported as a help article. Same access as
 * the admin procedures (routes.ts): a bearer key, or the sign-in cookie from this app's own pages.
 */
export async function knowledgeUpload({ request, deps, principal }: RouteCall<undefined>): Promise<Response> {
  if (principal?.kind === "session" && !isSameOriginRequest(request.headers, env.BETTER_AUTH_URL))
    throw new AppError("CROSS_SITE_ADMIN_REQUEST");
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType))
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "send the file as multipart/form-data in the field `file`" },
    });
  const bytes = await readLimited(request, env.KNOWLEDGE_IMPORT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES);
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "the body is not valid multipart/form-data" },
    });
  }
  const file = form.get("file");
  if (!(file instanceof Blob))
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "file is required: send the file in the multipart field `file`" },
      fieldErrors: { file: ["file is required"] },
    });
  const publishedField = form.get("published");
  if (publishedField !== null && publishedField !== "true" && publishedField !== "false")
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "published must be true or false" },
      fieldErrors: { published: ["published must be true or false"] },
    });
  // Loaded on the first upload (linkedom, Readability, Turndown, unpdf), not when the routes load.
  const { importUploadedFile } = await import("../admin/knowledge/knowledge-import");
  const result = await importUploadedFile(
    deps,
    {
      name: "name" in file && typeof file.name === "string" ? file.name : "upload",
      bytes: new Uint8Array(await file.arrayBuffer()),
      published: publishedField !== "false",
    },
    { maxBytes: env.KNOWLEDGE_IMPORT_MAX_BYTES },
    auditByOf(principal!, clientIp(request.headers)),
  );
  return Response.json({ success: true, message: "Imported.", data: result });
}
