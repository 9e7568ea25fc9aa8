import { env } from "~/env";
import { auditByOf } from "../admin/auth/admin-access";
import { AppError } from "../errors/app-error";
import { readBodyBytes } from "../protection/body-limit";
import { clientIp } from "../protection/client-address";
import { isSameOriginRequest } from "../protection/same-origin";
import type { RouteCall } from "./route";

/** Room for the multipart framing around the files. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

function readLimited(
  request: Request,
  maxBytes: number,
  shownMaxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () =>
    new AppError("KNOWLEDGE_IMPORT_TOO_LARGE", {
      params: { url: "the upload", maxKb: Math.floor(shownMaxBytes / 1024) },
    });
  return readBodyBytes(request, { maxBytes, tooLarge });
}

/**
 * POST /api/admin/knowledge/upload/ — files imported as help articles: one or more in the multipart field `file`
 * (also `files`), each a .md, .txt, .html, .pdf or a .zip of them. One plain file keeps the original contract (its
 * refusal is the request's 4xx); several files, or a .zip, answer 200 with a per-file report (kept, split,
 * refused and why). Same access as the admin procedures (routes.ts): a bearer key, or the sign-in cookie from this
 * app's own pages.
 */
export async function knowledgeUpload({ request, deps, principal }: RouteCall<undefined>): Promise<Response> {
  if (principal?.kind === "session" && !isSameOriginRequest(request.headers, env.BETTER_AUTH_URL))
    throw new AppError("CROSS_SITE_ADMIN_REQUEST");
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType))
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "send the files as multipart/form-data in the field `file`" },
    });
  const limits = deps.config.admin.knowledgeImport;
  const maxUpload = Math.max(limits.maxUploadBytes ?? env.KNOWLEDGE_UPLOAD_MAX_BYTES, limits.maxBytes);
  const bytes = await readLimited(request, maxUpload + MULTIPART_OVERHEAD_BYTES, maxUpload);
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "the body is not valid multipart/form-data" },
    });
  }
  const blobs = [...form.getAll("file"), ...form.getAll("files")].filter(
    (value): value is File => value instanceof Blob,
  );
  if (blobs.length === 0)
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "file is required: send the files in the multipart field `file`" },
      fieldErrors: { file: ["file is required"] },
    });
  const publishedField = form.get("published");
  if (publishedField !== null && publishedField !== "true" && publishedField !== "false")
    throw new AppError("VALIDATION_FAILED", {
      params: { details: "published must be true or false" },
      fieldErrors: { published: ["published must be true or false"] },
    });
  // Loaded on the first upload (the import's main-thread side), not when the routes load.
  const { importUploadedFiles } = await import("../admin/knowledge/knowledge-import");
  const files = await Promise.all(
    blobs.map(async (blob) => ({
      name: "name" in blob && typeof blob.name === "string" && blob.name ? blob.name : "upload",
      bytes: new Uint8Array(await blob.arrayBuffer()),
    })),
  );
  const result = await importUploadedFiles(
    deps,
    {
      files,
      published: publishedField !== "false",
      single: files.length === 1 && !/\.zip$/i.test(files[0]!.name),
    },
    limits,
    auditByOf(principal!, clientIp(request.headers)),
  );
  return Response.json({ success: true, message: "Imported.", data: result });
}
