import { z } from "zod";
import { idSchema, sessionIdSchema, visitorIdSchema } from "../ids";

/** At most this many files on one message. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** An attachment as every API shows it (the upload's answer, and each message's `attachments`). */
export const attachmentSchema = z
  .object({
    id: z.uuid(),
    name: z.string().meta({ description: "The file name as uploaded.", example: "screenshot.png" }),
    content_type: z.string().meta({
      description: "The type read from the file's bytes (not its name), e.g. image/png, application/pdf.",
      example: "image/png",
    }),
    size: z.number().int().meta({ description: "Bytes." }),
    url: z.string().meta({
      description:
        "Where the conversation's visitor downloads it: add `?visitor_id=…` (agents: the same file at " +
        "/api/admin/sessions/{id}/attachments/{attachment_id}/).",
      example:
        "/api/chats/sessions/0b6f6f0e-4a52-4f4e-9d0e-2f1f7f0c1a10/attachments/3f1c2b9e-8a4d-4c6b-9e2f-1a2b3c4d5e6f/",
    }),
  })
  .meta({ id: "Attachment" });
export type AttachmentDto = z.infer<typeof attachmentSchema>;

/** The files a message carries: uploaded into the same conversation by the same side, not yet sent. */
export const attachmentIdsSchema = z
  .array(z.uuid())
  .max(MAX_ATTACHMENTS_PER_MESSAGE)
  .optional()
  .meta({
    description:
      `Files to send with the message (at most ${MAX_ATTACHMENTS_PER_MESSAGE}): ids from POST …/attachments/, ` +
      "uploaded into this conversation by the same side and not sent with another message.",
  });

/** Reading one attachment as the conversation's visitor. */
export const visitorAttachmentInputSchema = z.object({
  id: sessionIdSchema,
  attachment_id: idSchema.meta({ description: "The attachment's id." }),
  visitor_id: visitorIdSchema,
  inline: z.enum(["1", "0"]).optional().meta({
    description: "1: show an image inline (only for files whose bytes are PNG, JPEG, GIF or WebP).",
  }),
});
export type VisitorAttachmentInput = z.infer<typeof visitorAttachmentInputSchema>;

/** Reading one attachment as an agent. */
export const adminAttachmentInputSchema = visitorAttachmentInputSchema.omit({ visitor_id: true });
export type AdminAttachmentInput = z.infer<typeof adminAttachmentInputSchema>;

/** Uploading as the conversation's visitor: the path's session and the query's visitor. */
export const visitorUploadInputSchema = z.object({ id: sessionIdSchema, visitor_id: visitorIdSchema });
export type VisitorUploadInput = z.infer<typeof visitorUploadInputSchema>;

export const adminUploadInputSchema = z.object({ id: sessionIdSchema });
export type AdminUploadInput = z.infer<typeof adminUploadInputSchema>;
