import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../deps";
import { decodeCursor, keysetWhere, toPage } from "../pagination";
import { findOwnedSession } from "../sessions/sessions.service";
import { toMessageDto, WITH_FEEDBACK } from "./message-dto";
import type { ListMessagesInput, MessageDto } from "./message.schema";

/** A session's messages in conversation order (or newest first with order=desc). */
export async function listMessages(
  deps: ChatDeps,
  input: ListMessagesInput,
): Promise<{ items: MessageDto[]; next_cursor: string | null }> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  const after = decodeCursor(input.cursor);
  const rows = await deps.db.message.findMany({
    where: {
      session_id: session.id,
      ...keysetWhere<Prisma.MessageWhereInput>("created_at", after, input.order),
    },
    orderBy: [{ created_at: input.order }, { id: input.order }],
    take: input.limit + 1,
    include: WITH_FEEDBACK,
  });
  return toPage(rows, input.limit, (row) => row.created_at, toMessageDto);
}
