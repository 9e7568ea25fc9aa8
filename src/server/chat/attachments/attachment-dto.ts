import type { AttachmentDto } from "./attachment.schema";

/** The columns an attachment is shown from (never its bytes). */
export const ATTACHMENT_FIELDS = {
  id: true,
  session_id: true,
  name: true,
  content_type: true,
  size: true,
} as const;

export interface AttachmentMeta {
  id: string;
  session_id: string;
  name: string;
  content_type: string;
  size: number;
}

/** The path the conversation's visitor downloads it from (with `?visitor_id=…`). */
export function attachmentPath(sessionId: string, attachmentId: string): string {
  return `/api/chats/sessions/${sessionId}/attachments/${attachmentId}/`;
}

export function toAttachmentDto(row: AttachmentMeta): AttachmentDto {
  return {
    id: row.id,
    name: row.name,
    content_type: row.content_type,
    size: row.size,
    url: attachmentPath(row.session_id, row.id),
  };
}
