import type { Prisma } from "~/generated/prisma-postgresql/client";
import { messageSourcesSchema, type MessageDto } from "./message.schema";

export type MessageRow = Prisma.MessageGetPayload<object>;

/** A stored message as the API shows it (messages.list, events). */
export function toMessageDto(row: MessageRow): MessageDto {
  return {
    id: row.id,
    session_id: row.session_id,
    role: row.role,
    content: row.content,
    status: row.status,
    sources: row.role === "assistant" ? (messageSourcesSchema.safeParse(row.sources).data ?? []) : [],
    created_at: row.created_at.toISOString(),
  };
}
