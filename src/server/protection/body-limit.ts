import { AppError } from "../errors/app-error";

/**
 * Largest request body the app reads, on every transport (REST bridge, SSE stream, /api/trpc). The biggest valid
 * body (a 4000-character message, or a full tRPC batch of them) is well under it.
 */
export const MAX_BODY_BYTES = 64 * 1024;

export function payloadTooLargeError(): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", { params: { maxKb: MAX_BODY_BYTES / 1024 } });
}

/**
 * Reads a request body, refusing more than MAX_BODY_BYTES with PAYLOAD_TOO_LARGE (413): a declared
 * Content-Length over it before reading anything, and a chunked body (no length) as soon as its running byte
 * count passes it, without reading the rest.
 */
export async function readBodyBytes(
  request: Request,
  /** Another cap for a route that takes more (a file upload), with the error that says so. */
  limit: { maxBytes: number; tooLarge: () => Error } = {
    maxBytes: MAX_BODY_BYTES,
    tooLarge: payloadTooLargeError,
  },
): Promise<Uint8Array<ArrayBuffer>> {
  const declaredLength = Number(request.headers.get("content-length") ?? "0");
  if (declaredLength > limit.maxBytes) throw limit.tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit.maxBytes) {
      await reader.cancel();
      throw limit.tooLarge();
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Whether a body is bounded by its declared Content-Length, within MAX_BODY_BYTES (over it: PAYLOAD_TOO_LARGE).
 * Node's HTTP parser delivers exactly the declared bytes, so such a body can be handed on unread; a chunked
 * body (no length) must be read through readBodyBytes to be counted.
 */
export function boundedByDeclaredLength(headers: Headers): boolean {
  const declared = headers.get("content-length");
  if (declared === null || !/^\d+$/.test(declared.trim())) return false;
  if (Number(declared) > MAX_BODY_BYTES) throw payloadTooLargeError();
  return true;
}

/** The body as text (UTF-8), within the same limit (readBodyBytes). */
export async function readBodyText(request: Request): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request));
}
