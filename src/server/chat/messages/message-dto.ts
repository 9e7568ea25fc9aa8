import type { Prisma } from "~/generated/prisma-postgresql/client";
import { isSystemMessageKind } from "~/shared/system-messages";
import { ATTACHMENT_FIELDS, toAttachmentDto, type AttachmentMeta } from "../attachments/attachment-dto";
import { messageSourcesSchema, type MessageDto } from "./message.schema";

export type MessageRow = Prisma.MessageGetPayload<object>;

/**
 * A stored message as the API shows it (messages.list, events), with its feedback and its attachments when it
 * was read with them (WITH_FEEDBACK; a new message has no feedback, and its attachments are given).
 */
export function toMessageDto(
  row: Pick<MessageRow, "id" | "session_id" | "role" | "content" | "status" | "sources" | "created_at"> &
    Partial<Pick<MessageRow, "author_name" | "kind">> & {
      feedback?: { rating: "up" | "down" } | null;
      attachments?: AttachmentMeta[];
    },
): MessageDto {
  return {
    id: row.id,
    session_id: row.session_id,
    role: row.role,
    kind: row.role === "system" && isSystemMessageKind(row.kind) ? row.kind : null,
    author_name: row.role === "agent" || row.role === "system" ? (row.author_name ?? null) : null,
    content: row.content,
    status: row.status,
    sources: row.role === "assistant" ? (messageSourcesSchema.safeParse(row.sources).data ?? []) : [],
    feedback: row.feedback?.rating ?? null,
    attachments: (row.attachments ?? []).map(toAttachmentDto),
    created_at: row.created_at.toISOString(),
  };
}

/** The visitor's rating and the message's attachments (never their bytes), read with the message. */
export const WITH_FEEDBACK = {
  feedback: { select: { rating: true as const } },
  attachments: { select: ATTACHMENT_FIELDS, orderBy: { created_at: "asc" as const } },
} satisfies Prisma.MessageInclude;
