import { z } from "zod";
import { idSchema } from "../../chat/ids";
import { createdBetweenInputSchema } from "../sessions/session-admin.schema";

const EXPORT_FORMATS = ["csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const formatSchema = z
  .enum(EXPORT_FORMATS, { error: "format must be csv or json" })
  .default("csv")
  .meta({ description: "csv (one row per message, UTF-8 with BOM) or json. Default csv." });

export const exportTranscriptInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The session's id." }),
  format: formatSchema,
});
export type ExportTranscriptInput = z.infer<typeof exportTranscriptInputSchema>;

export const exportSessionsInputSchema = createdBetweenInputSchema.extend({ format: formatSchema });
export type ExportSessionsInput = z.infer<typeof exportSessionsInputSchema>;

/** The columns of a CSV export, one row per message. */
export const CSV_COLUMNS = [
  "session_id",
  "session_title",
  "session_created_at",
  "visitor_id",
  "message_id",
  "created_at",
  "role",
  "status",
  "content",
] as const;
