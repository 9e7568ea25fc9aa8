import { AppError } from "../../errors/app-error";
import type { ChatDeps } from "../deps";
import { isUuid } from "../ids";
import { ATTACHMENT_FIELDS, type AttachmentMeta } from "./attachment-dto";
import { databaseAttachmentStorage } from "./storage";

/**
 * THE read verb: one attachment of a conversation with its bytes, for the conversation's visitor (`visitorId`)
 * or an agent (none). Anything else — another visitor, another conversation, an unknown id — is
 * ATTACHMENT_NOT_FOUND (404), so nobody learns that a file exists.
 */
export async function readAttachment(
  deps: Pick<ChatDeps, "db">,
  input: { sessionId: string; attachmentId: string; visitorId?: string },
): Promise<{ attachment: AttachmentMeta; bytes: Uint8Array }> {
  const ids = [
    input.sessionId,
    input.attachmentId,
    ...(input.visitorId === undefined ? [] : [input.visitorId]),
  ];
  if (!ids.every(isUuid)) throw new AppError("ATTACHMENT_NOT_FOUND");
  const attachment = await deps.db.attachment.findFirst({
    where: {
      id: input.attachmentId,
      session_id: input.sessionId,
      ...(input.visitorId !== undefined && {
        visitor_id: input.visitorId,
        session: { visitor_id: input.visitorId },
      }),
    },
    select: ATTACHMENT_FIELDS,
  });
  if (!attachment) throw new AppError("ATTACHMENT_NOT_FOUND");
  const bytes = await databaseAttachmentStorage(deps.db).get(attachment.id);
  if (!bytes) throw new AppError("ATTACHMENT_NOT_FOUND");
  return { attachment, bytes };
}
