import { z } from "zod";
import { ownedSessionInputSchema } from "../sessions/session.schema";
import { setVisitorEmailInputSchema } from "../visitors/visitor.schema";

/** The visitor asks for (or withdraws) a transcript by email when the conversation is closed. */
export const transcriptRequestInputSchema = ownedSessionInputSchema.extend({
  requested: z.boolean().default(true).meta({
    description: "true: email me a transcript when this conversation is closed; false: withdraw the request.",
  }),
  email: setVisitorEmailInputSchema.shape.email.optional().meta({
    description:
      "Where to send it, when the visitor has left no address yet (stored on the visitor, like POST " +
      "/api/chats/visitors/{id}/email). Required then.",
    example: "ada@example.com",
  }),
});
export type TranscriptRequestInput = z.input<typeof transcriptRequestInputSchema>;
