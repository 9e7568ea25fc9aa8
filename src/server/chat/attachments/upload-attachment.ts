import { randomUUID } from "node:crypto";
import { AppError } from "../../errors/app-error";
import type { ChatDeps } from "../deps";
import { isUuid } from "../ids";
import { findOwnedSession } from "../sessions/sessions.service";
import { requireMayWrite } from "../visitors/identify-visitor";
import { toAttachmentDto } from "./attachment-dto";
import type { AttachmentDto } from "./attachment.schema";
import { fileKindOf } from "./file-kind";
import { databaseAttachmentStorage } from "./storage";

/** Who uploads: the conversation's visitor, or an agent (any conversation: agents see them all). */
export type Uploader = { kind: "visitor"; visitorId: string } | { kind: "agent" };

const NAME_MAX_CHARS = 200;

/** The name kept: its last path segment, without control characters, at most 200 characters; "file" if empty. */
export function cleanFileName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? "";
  const clean = last.replace(/[\u0000-\u001F\u007F]/g, "").trim();
  return clean.slice(0, NAME_MAX_CHARS) || "file";
}

/**
 * THE upload verb: a file into a conversation, unattached until a message carries it (attachment_ids). Refused:
 * over ATTACHMENT_MAX_BYTES (413), a type its bytes do not show to be allowed (415, whatever its name says), a
 * conversation of another visitor (the session rules: 404/403). Nothing is announced: the file is seen with the
 * message that carries it.
 */
export async function uploadAttachment(
  deps: ChatDeps,
  input: { sessionId: string; uploader: Uploader; name: string; bytes: Uint8Array },
): Promise<AttachmentDto> {
  const { uploader } = input;
  let visitorId: string;
  if (uploader.kind === "visitor") {
    const session = await findOwnedSession(deps.db, input.sessionId, uploader.visitorId);
    await requireMayWrite(deps, session.visitor_id);
    visitorId = session.visitor_id;
  } else {
    const session = isUuid(input.sessionId)
      ? await deps.db.session.findUnique({ where: { id: input.sessionId }, select: { visitor_id: true } })
      : null;
    if (!session) throw new AppError("SESSION_NOT_FOUND");
    visitorId = session.visitor_id;
  }
  const maxBytes = deps.config.attachmentMaxBytes;
  if (input.bytes.byteLength > maxBytes)
    throw new AppError("ATTACHMENT_TOO_LARGE", { params: { maxKb: Math.floor(maxBytes / 1024) } });
  const name = cleanFileName(input.name);
  const contentType = await fileKindOf(input.bytes);
  if (!contentType) throw new AppError("ATTACHMENT_UNSUPPORTED_TYPE", { params: { name } });
  const row = {
    id: randomUUID(),
    session_id: input.sessionId,
    visitor_id: visitorId,
    uploader: uploader.kind,
    name,
    content_type: contentType,
    size: input.bytes.byteLength,
    created_at: new Date(),
  };
  await databaseAttachmentStorage(deps.db).put(row, input.bytes);
  return toAttachmentDto(row);
}
