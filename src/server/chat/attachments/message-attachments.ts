import { AppError } from "../../errors/app-error";
import type { Db } from "../../db/client";
import { ATTACHMENT_FIELDS, type AttachmentMeta } from "./attachment-dto";

/**
 * The attachments a new message may carry: each uploaded into this conversation, by this side (visitor or
 * agent), and not sent with another message yet. An unknown id (or another conversation's) is
 * ATTACHMENT_NOT_FOUND (404), one of the other side or already sent is ATTACHMENT_NOT_ATTACHABLE (400); both
 * name the field. In the order given, duplicates once.
 */
export async function attachableAttachments(
  db: Db,
  sessionId: string,
  uploader: "visitor" | "agent",
  ids: readonly string[] | undefined,
): Promise<AttachmentMeta[]> {
  const wanted = [...new Set(ids ?? [])];
  if (wanted.length === 0) return [];
  const rows = await db.attachment.findMany({
    where: { id: { in: wanted }, session_id: sessionId },
    select: { ...ATTACHMENT_FIELDS, uploader: true, message_id: true },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return wanted.map((id, index) => {
    const row = byId.get(id);
    const field = { attachment_ids: [`attachment_ids[${index}]: ${id}`] };
    if (!row) throw new AppError("ATTACHMENT_NOT_FOUND", { fieldErrors: field });
    if (row.uploader !== uploader || row.message_id !== null)
      throw new AppError("ATTACHMENT_NOT_ATTACHABLE", { params: { id }, fieldErrors: field });
    return {
      id: row.id,
      session_id: row.session_id,
      name: row.name,
      content_type: row.content_type,
      size: row.size,
    };
  });
}

/** The attachments of messages, by message id, in upload order (for the message DTOs). */
export async function attachmentsOfMessages(
  db: Db,
  messageIds: readonly string[],
): Promise<Map<string, AttachmentMeta[]>> {
  const byMessage = new Map<string, AttachmentMeta[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db.attachment.findMany({
    where: { message_id: { in: [...messageIds] } },
    select: { ...ATTACHMENT_FIELDS, message_id: true },
    orderBy: [{ created_at: "asc" }, { id: "asc" }],
  });
  for (const { message_id: messageId, ...row } of rows) {
    if (!messageId) continue;
    const list = byMessage.get(messageId) ?? [];
    list.push(row);
    byMessage.set(messageId, list);
  }
  return byMessage;
}
