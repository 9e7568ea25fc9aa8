import { AppError } from "../errors/app-error";

/** Largest request body the REST bridge reads. The biggest valid body (a 4000-character message) is ~16 KB. */
export const REST_MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON request body: refuses a wrong content type (415), more than REST_MAX_BODY_BYTES (413, without
 * reading the rest), and malformed JSON (400). An empty body is `{}`, so `POST /api/chats/visitors/` needs none.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const declaredLength = Number(request.headers.get("content-length") ?? "0");
  if (declaredLength > REST_MAX_BODY_BYTES) throw payloadTooLargeError();
  const text = await readTextWithLimit(request);
  if (text.trim() === "") return {};
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw unsupportedMediaTypeError(contentType);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : "";
    throw new AppError("MALFORMED_JSON", { params: { detail } });
  }
}

export function unsupportedMediaTypeError(contentType: string): AppError {
  const got = contentType ? `"${contentType.slice(0, 80)}"` : "none";
  return new AppError("UNSUPPORTED_MEDIA_TYPE", { params: { got } });
}

export function payloadTooLargeError(): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", { params: { maxKb: REST_MAX_BODY_BYTES / 1024 } });
}

async function readTextWithLimit(request: Request): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > REST_MAX_BODY_BYTES) {
      await reader.cancel();
      throw payloadTooLargeError();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
