import { z } from "zod";
import { idSchema, visitorIdSchema } from "../ids";
import { jsonHasNoNul, LIMITS, wellFormedJson } from "../limits";

/** Free-form facts about the visitor's browser (user agent, locale, referrer, page url …): a JSON object. */
const visitorMetadataSchema = z
  .record(z.string(), z.json(), { error: 'metadata must be a JSON object, e.g. { "locale": "en-GB" }' })
  .refine((value) => Buffer.byteLength(JSON.stringify(value), "utf8") <= LIMITS.metadataMaxBytes, {
    message: `metadata must be at most ${LIMITS.metadataMaxBytes} bytes as JSON`,
  })
  .refine(jsonHasNoNul, {
    message: "metadata must not contain the NUL character (U+0000)",
  })
  .check(wellFormedJson("metadata"))
  .meta({
    description: `A JSON object of at most ${LIMITS.metadataMaxBytes / 1024} KB: user agent, locale, referrer, page url …`,
    example: { locale: "en-GB", page_url: "https://example.com/pricing" },
  });

export const createVisitorInputSchema = z.strictObject({
  metadata: visitorMetadataSchema.optional(),
});
export type CreateVisitorInput = z.infer<typeof createVisitorInputSchema>;

export const validateVisitorInputSchema = z.strictObject({ id: idSchema });
export type ValidateVisitorInput = z.infer<typeof validateVisitorInputSchema>;

export const visitorSchema = z
  .object({
    id: z.uuid(),
    created_at: z.iso.datetime(),
    last_seen_at: z.iso.datetime(),
    metadata: z.record(z.string(), z.json()),
  })
  .meta({ id: "Visitor" });
export type VisitorDto = z.infer<typeof visitorSchema>;

export const validateVisitorOutputSchema = z.object({
  valid: z.literal(true),
  visitor: visitorSchema,
});

/** A visitor erasing itself: the path's id, and its own id again as visitor_id (the same as for every call). */
export const eraseOwnVisitorInputSchema = z.strictObject({ id: idSchema, visitor_id: visitorIdSchema });
export type EraseOwnVisitorInput = z.infer<typeof eraseOwnVisitorInputSchema>;

export const visitorErasedSchema = z
  .object({
    id: z.uuid(),
    deleted: z.literal(true),
    sessions: z.number().int().meta({ description: "Sessions deleted." }),
    messages: z.number().int().meta({ description: "Messages deleted." }),
  })
  .meta({ id: "VisitorErased" });
export type VisitorErasedDto = z.infer<typeof visitorErasedSchema>;
