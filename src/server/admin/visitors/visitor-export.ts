import { z } from "zod";
import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { isUuid } from "../../chat/ids";
import { messageFeedbackSchema, sessionRatingSchema } from "../../chat/feedback/feedback.schema";
import { toMessageFeedbackDto, toSessionRatingDto } from "../../chat/feedback/feedback.service";
import { messageSchema } from "../../chat/messages/message.schema";
import { toMessageDto } from "../../chat/messages/messages.service";
import { WITH_FEEDBACK } from "../../chat/messages/message-dto";
import { sessionSchema } from "../../chat/sessions/session.schema";
import { toSessionDto } from "../../chat/sessions/sessions.service";
import { visitorSchema } from "../../chat/visitors/visitor.schema";
import { toVisitorDto } from "../../chat/visitors/visitors.service";
import { visitorContextSchema } from "../../chat/visitors/visitor-context.schema";
import { readVisitorContext } from "../../chat/visitors/report-context";
import { AppError } from "../../errors/app-error";
import { recordExport } from "../exports/exports.service";
import { sessionNoteSchema } from "../notes/notes.schema";
import { attachmentSchema } from "../../chat/attachments/attachment.schema";
import { toAttachmentDto } from "../../chat/attachments/attachment-dto";
import { toSessionNoteDto } from "../notes/notes.service";

/** A file of the visitor's conversations, with its bytes (base64). */
const exportedAttachmentSchema = attachmentSchema
  .extend({
    session_id: z.uuid(),
    message_id: z.uuid().nullable().meta({ description: "The message that carries it; null if never sent." }),
    uploader: z.enum(["visitor", "agent"]),
    created_at: z.iso.datetime(),
    content_base64: z.string().meta({ description: "The file's bytes, base64." }),
  })
  .meta({ id: "ExportedAttachment" });

/**
 * Everything stored about one visitor ("give me my data"), one key per kind of data. A later feature that stores
 * visitor data adds its section here and its loader in SECTIONS below — one line each (e.g. `feedback`,
 * `emails`); tests/visitor-privacy.test.ts (VISITOR_TABLES) ties every table an erasure empties to a section.
 */
export const visitorExportSchema = z
  .object({
    exported_at: z.iso.datetime(),
    visitor: visitorSchema,
    sessions: z.array(sessionSchema).meta({ description: "Every session of the visitor, oldest first." }),
    messages: z
      .array(messageSchema)
      .meta({ description: "Every message of those sessions, by session, oldest first." }),
    feedback: z
      .array(messageFeedbackSchema)
      .meta({ description: "The visitor's ratings of replies (thumbs up/down) with their comments." }),
    ratings: z
      .array(sessionRatingSchema)
      .meta({ description: "The visitor's ratings of whole conversations (1–5) with their comments." }),
    attachments: z.array(exportedAttachmentSchema).meta({
      description:
        "Every file uploaded into those conversations (by the visitor or an agent), with its bytes, by session, " +
        "oldest first.",
    }),
    notes: z.array(sessionNoteSchema).meta({
      description:
        "The team's private notes on those conversations (admin export only: never shown to the visitor), by " +
        "session, oldest first.",
    }),
    context: visitorContextSchema.nullable().meta({
      description:
        "What the widget reported about the visit: the current page, the last 10 pages with when they were " +
        "opened, referrer, language, time zone; null if never reported.",
    }),
    handoff_requests: z.array(z.object({ session_id: z.uuid(), requested_at: z.iso.datetime() })).meta({
      description: "When the visitor asked for a person in those conversations, by session, oldest first.",
    }),
  })
  .meta({ id: "VisitorExport" });
export type VisitorExportDto = z.infer<typeof visitorExportSchema>;

type SectionKey = Exclude<keyof VisitorExportDto, "exported_at" | "visitor">;

/** The visitor's own rows of a model (keyed by visitor_id), oldest first, `tie` breaking equal times. */
function ofVisitor<Tie extends string>(visitorId: string, tie: Tie) {
  return {
    where: { visitor_id: visitorId },
    orderBy: [{ created_at: "asc" as const }, { [tie]: "asc" } as Record<Tie, "asc">],
  };
}

/** The rows of a model in the visitor's sessions: by session (oldest first), then by `at` within one. */
function inVisitorSessions<At extends string = "created_at">(visitorId: string, at: At = "created_at" as At) {
  return {
    where: { session: { visitor_id: visitorId } },
    orderBy: [
      { session: { created_at: "asc" as const } },
      { session_id: "asc" as const },
      { [at]: "asc" } as Record<At, "asc">,
      { id: "asc" as const },
    ],
  };
}

/** Each section's loader: all of the visitor's rows of that kind, as DTOs. */
const SECTIONS: {
  [Key in SectionKey]: (deps: ChatDeps, visitorId: string) => Promise<VisitorExportDto[Key]>;
} = {
  sessions: async (deps, visitorId) =>
    (await deps.db.session.findMany(ofVisitor(visitorId, "id"))).map(toSessionDto),
  messages: async (deps, visitorId) =>
    (await deps.db.message.findMany({ ...inVisitorSessions(visitorId), include: WITH_FEEDBACK })).map(
      toMessageDto,
    ),
  feedback: async (deps, visitorId) =>
    (await deps.db.messageFeedback.findMany(ofVisitor(visitorId, "message_id"))).map(toMessageFeedbackDto),
  ratings: async (deps, visitorId) =>
    (await deps.db.sessionRating.findMany(ofVisitor(visitorId, "session_id"))).map(toSessionRatingDto),
  attachments: async (deps, visitorId) =>
    (await deps.db.attachment.findMany(inVisitorSessions(visitorId))).map((row) => ({
      ...toAttachmentDto(row),
      session_id: row.session_id,
      message_id: row.message_id,
      uploader: row.uploader === "agent" ? ("agent" as const) : ("visitor" as const),
      created_at: row.created_at.toISOString(),
      content_base64: Buffer.from(row.bytes).toString("base64"),
    })),
  notes: async (deps, visitorId) =>
    (await deps.db.sessionNote.findMany(inVisitorSessions(visitorId))).map(toSessionNoteDto),
  context: async (deps, visitorId) =>
    readVisitorContext(
      (await deps.db.visitor.findUnique({ where: { id: visitorId }, select: { context: true } }))?.context,
    ),
  handoff_requests: async (deps, visitorId) =>
    (await deps.db.handoffRequest.findMany(inVisitorSessions(visitorId, "requested_at"))).map((row) => ({
      session_id: row.session_id,
      requested_at: row.requested_at.toISOString(),
    })),
};

/** The visitor and everything of it, as one JSON document (admin only). Unknown id → VISITOR_NOT_FOUND. */
export async function exportVisitor(
  deps: ChatDeps,
  input: { id: string },
  by: AuditBy,
): Promise<VisitorExportDto> {
  if (!isUuid(input.id)) throw new AppError("VISITOR_NOT_FOUND");
  const visitor = await deps.db.visitor.findUnique({ where: { id: input.id } });
  if (!visitor) throw new AppError("VISITOR_NOT_FOUND");
  const keys = Object.keys(SECTIONS) as SectionKey[];
  const loaded = await Promise.all(keys.map((key) => SECTIONS[key](deps, input.id)));
  const sections = Object.fromEntries(keys.map((key, index) => [key, loaded[index]])) as {
    [Key in SectionKey]: VisitorExportDto[Key];
  };
  await recordExport(deps, by, {
    action: "visitor.exported",
    object: { type: "visitor", id: visitor.id },
    detail: { sessions: sections.sessions.length, messages: sections.messages.length },
  });
  return { exported_at: new Date().toISOString(), visitor: toVisitorDto(visitor), ...sections };
}
