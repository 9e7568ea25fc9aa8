/**
 * What a file is, read from its bytes (magic numbers, with the `file-type` package; office files by the entries
 * of their zip container), never from its name or the type the client sent. Allowed: images (PNG, JPEG, GIF,
 * WebP), PDF, UTF-8 text that is not markup (HTML, SVG and XML are refused: a browser could run them), and
 * office documents (docx, xlsx, pptx, odt). Anything else is null (refused with 415).
 */

export const IMAGE_TYPES: ReadonlySet<string> = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

const BINARY_TYPES: ReadonlySet<string> = new Set([
  ...IMAGE_TYPES,
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
]);

export const TEXT_TYPE = "text/plain; charset=utf-8";

/** Markup a browser would render or run, at the start of a text file (after a BOM and white space). */
const MARKUP_START =
  /^(?:\uFEFF)?\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|!--|meta|style|a\s|img\s|div|p[\s>])/i;

/** Whether bytes are UTF-8 text: valid UTF-8, no NUL and no control characters but tab, line ends and form feed. */
function plainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  if (/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text)) return false;
  return !MARKUP_START.test(text.slice(0, 512));
}

/** The content type of an allowed file, from its bytes; null for every other file (and an empty one). */
export async function fileKindOf(bytes: Uint8Array): Promise<string | null> {
  if (bytes.byteLength === 0) return null;
  // ESM-only package: loaded on the first upload.
  const { fileTypeFromBuffer } = await import("file-type");
  const found = await fileTypeFromBuffer(bytes);
  if (found) return BINARY_TYPES.has(found.mime) ? found.mime : null;
  return plainText(bytes) ? TEXT_TYPE : null;
}

/** Whether a stored attachment may be shown inline: an image by its bytes (its stored type was read from them). */
export function isInlineImage(contentType: string): boolean {
  return IMAGE_TYPES.has(contentType);
}
