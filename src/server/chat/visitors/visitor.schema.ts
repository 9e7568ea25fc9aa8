import { z } from "zod";
import { idSchema } from "../ids";
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
    email: z.string().nullable().meta({
      description: "An address the visitor left for a reply when no agent was available; null if none.",
    }),
  })
  .meta({ id: "Visitor" });
export type VisitorDto = z.infer<typeof visitorSchema>;

export const validateVisitorOutputSchema = z.object({
  valid: z.literal(true),
  visitor: visitorSchema,
});

export const setVisitorEmailInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The visitor's id." }),
  email: z
    .email({ error: "email must be an email address, e.g. ada@example.com" })
    .max(254, "email must be at most 254 characters")
    .meta({ description: "Where an agent can answer later.", example: "ada@example.com" }),
});
export type SetVisitorEmailInput = z.infer<typeof setVisitorEmailInputSchema>;
