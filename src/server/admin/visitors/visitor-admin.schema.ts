import { z } from "zod";
import { idSchema } from "../../chat/ids";
import { plainText, wellFormedText } from "../../chat/limits";
import { pageInputSchema, pageOf } from "../../chat/pagination";
import { sessionSchema } from "../../chat/sessions/session.schema";
import { visitorSchema } from "../../chat/visitors/visitor.schema";

export const listVisitorsInputSchema = pageInputSchema.extend({
  search: z
    .string()
    .trim()
    .max(200)
    .check(plainText("search"))
    .check(wellFormedText("search"))
    .optional()
    .meta({ description: "A visitor id, or text to find in visitors' metadata (case-insensitive)." }),
  sort: z.enum(["created", "last_seen"]).default("created").meta({
    description: "created: newest visitors first (default); last_seen: most recently active first.",
  }),
});
export type ListVisitorsInput = z.infer<typeof listVisitorsInputSchema>;
export const visitorPageSchema = pageOf(visitorSchema.extend({ session_count: z.number().int() }));

export const getVisitorInputSchema = z.strictObject({ id: idSchema });
export type GetVisitorInput = z.infer<typeof getVisitorInputSchema>;

export const visitorDetailSchema = visitorSchema.extend({
  session_count: z.number().int(),
  sessions: z.array(sessionSchema).meta({ description: "The visitor's most recent sessions (up to 50)." }),
});
export type VisitorDetailDto = z.infer<typeof visitorDetailSchema>;
