import type { AttachmentDto } from "~/server/chat/attachments/attachment.schema";

export type { AttachmentDto };

/** Why an upload failed, for the page to say in its own words. */
export type UploadFailure = "tooLarge" | "unsupported" | "rateLimited" | "failed";

export type UploadResult = { ok: true; attachment: AttachmentDto } | { ok: false; failure: UploadFailure };

/** What the file pickers offer (the server checks the bytes; this only narrows the picker). */
export const ATTACHMENT_ACCEPT =
  "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,.txt,.csv,.log,.md,.docx,.xlsx,.pptx,.odt";

/** One file, multipart field `file`, to an attachments route (visitor or admin); never throws. */
export async function uploadFile(url: string, file: File): Promise<UploadResult> {
  const body = new FormData();
  body.append("file", file, file.name || "file");
  try {
    const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
    if (response.ok) {
      const json = (await response.json()) as { data: AttachmentDto };
      return { ok: true, attachment: json.data };
    }
    const failure: UploadFailure =
      response.status === 413
        ? "tooLarge"
        : response.status === 415
          ? "unsupported"
          : response.status === 429
            ? "rateLimited"
            : "failed";
    return { ok: false, failure };
  } catch {
    return { ok: false, failure: "failed" };
  }
}

/** The files of a paste or drop (a pasted screenshot arrives as a file named image.png). */
export function filesOf(data: DataTransfer | null): File[] {
  return data ? Array.from(data.files) : [];
}

/** A paste's or drop's files go to `attach`, and the browser does not handle them itself; without files, nothing. */
export function takeFiles(
  event: { preventDefault(): void },
  data: DataTransfer | null,
  attach: (files: File[]) => void,
): void {
  const files = filesOf(data);
  if (files.length === 0) return;
  event.preventDefault();
  attach(files);
}

/** A message needs text: a message of files only says their names. */
export function textOrNames(text: string, attachments: readonly AttachmentDto[]): string {
  return text.trim() || attachments.map((attachment) => attachment.name).join(", ");
}

export function isImage(attachment: Pick<AttachmentDto, "content_type">): boolean {
  return /^image\/(png|jpeg|gif|webp)$/.test(attachment.content_type);
}

/** "591 bytes", "48 kB", "1.2 MB" in the page's language (bytes spelled out: CLDR's short form is "591 byte"). */
export function formatFileSize(bytes: number, locale: string): string {
  const [value, unit] =
    bytes >= 1_000_000
      ? [bytes / 1_000_000, "megabyte"]
      : bytes >= 1000
        ? [bytes / 1000, "kilobyte"]
        : [bytes, "byte"];
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit,
    unitDisplay: unit === "byte" ? "long" : "short",
    maximumFractionDigits: value < 10 && unit !== "byte" ? 1 : 0,
  }).format(value);
}
