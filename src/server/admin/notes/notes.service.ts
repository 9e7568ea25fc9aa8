import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { commitInTransaction } from "../../chat/events/commit-change";
import { isUuid } from "../../chat/ids";
import { AppError } from "../../errors/app-error";
import type { AddSessionNoteInput, SessionNoteDto } from "./notes.schema";

interface NoteRow {
  id: string;
  session_id: string;
  author_id: string;
  author_name: string;
  content: string;
  created_at: Date;
}

export function toSessionNoteDto(row: NoteRow): SessionNoteDto {
  return {
    id: row.id,
    session_id: row.session_id,
    author_id: row.author_id,
    author_name: row.author_name,
    content: row.content,
    created_at: row.created_at.toISOString(),
  };
}

/**
 * Adds a private note to a conversation (the team's only), audited. It publishes no event: nothing of a note
 * reaches the session's event stream (the visitor's), a webhook or an email. Unknown session → SESSION_NOT_FOUND.
 */
export async function addSessionNote(
  deps: ChatDeps,
  input: AddSessionNoteInput,
  author: { id: string; name: string },
  by: AuditBy,
): Promise<SessionNoteDto> {
  if (!isUuid(input.id)) throw new AppError("SESSION_NOT_FOUND");
  const row = await commitInTransaction(deps, async (tx) => {
    const session = await tx.session.findUnique({ where: { id: input.id }, select: { id: true } });
    if (!session) throw new AppError("SESSION_NOT_FOUND");
    const note = await tx.sessionNote.create({
      data: {
        session_id: session.id,
        author_id: author.id,
        author_name: author.name,
        content: input.content,
      },
    });
    return {
      result: note,
      // The note's text is content: the entry records only where and how long.
      audit: {
        ...by,
        action: "note.added",
        object: { type: "session", id: session.id },
        detail: { note_id: note.id, chars: input.content.length },
      },
    };
  });
  return toSessionNoteDto(row);
}

/** A conversation's notes, oldest first (the team's only). Unknown session → SESSION_NOT_FOUND. */
export async function listSessionNotes(
  deps: ChatDeps,
  sessionId: string,
): Promise<{ items: SessionNoteDto[] }> {
  if (!isUuid(sessionId)) throw new AppError("SESSION_NOT_FOUND");
  const session = await deps.db.session.findUnique({
    where: { id: sessionId },
    select: { notes: { orderBy: [{ created_at: "asc" }, { id: "asc" }] } },
  });
  if (!session) throw new AppError("SESSION_NOT_FOUND");
  return { items: session.notes.map(toSessionNoteDto) };
}
