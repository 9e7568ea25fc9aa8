import { AppError } from "../errors/app-error";
import { readBodyText } from "../protection/body-limit";

/**
 * Reads a JSON request body: refuses more than MAX_BODY_BYTES (413, without reading the rest; protection/
 * body-limit.ts), a wrong content type (415) and malformed JSON (400). An empty body is `{}`, so
 * `POST /api/chats/visitors/` needs none.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await readBodyText(request);
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
