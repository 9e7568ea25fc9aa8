import { z } from "zod";
import { idSchema, visitorIdSchema } from "../ids";
import { LIMITS, plainJson, plainText, wellFormedJson, wellFormedText } from "../limits";

/** Free-form facts about the visitor's browser (user agent, locale, referrer, page url …): a JSON object. */
const visitorMetadataSchema = z
  .record(z.string(), z.json(), { error: 'metadata must be a JSON object, e.g. { "locale": "en-GB" }' })
  .refine((value) => Buffer.byteLength(JSON.stringify(value), "utf8") <= LIMITS.metadataMaxBytes, {
    message: `metadata must be at most ${LIMITS.metadataMaxBytes} bytes as JSON`,
  })
  .check(plainJson("metadata"))
  .check(wellFormedJson("metadata"))
  .meta({
    description: `A JSON object of at most ${LIMITS.metadataMaxBytes / 1024} KB: user agent, locale, referrer, page url …`,
    example: { locale: "en-GB", page_url: "https://example.com/pricing" },
  });

export const visitorMetadataInputSchema = visitorMetadataSchema;

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
    user_id: z.string().nullable().meta({
      description:
        "The site's user id once identify() proved it (a valid user_hash); null for anonymous visitors.",
    }),
    email: z.string().nullable().meta({
      description:
        "The visitor's email: the one identify() was given, or left for a reply when no agent was available; null if none.",
    }),
    verified: z.boolean().meta({
      description:
        "True only when the site proved who the visitor is (identify() with a valid user_hash: `user_id` is set). " +
        "Name and email sent without a hash are the visitor's own claim: false.",
    }),
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

const identityText = (field: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`)
    .check(plainText(field))
    .check(wellFormedText(field));

/** identify(): who the visitor is on the site, proven by user_hash (or, without it, only metadata). */
export const identifyVisitorInputSchema = z
  .strictObject({
    id: idSchema.meta({ description: "The visitor's current id (the one stored by the widget)." }),
    user_id: identityText("user_id", 255).optional().meta({
      description: "The site's own id of the logged-in user (required with user_hash).",
      example: "user-42",
    }),
    user_hash: z
      .string()
      .trim()
      .regex(/^[0-9a-fA-F]{64}$/, "user_hash must be the hex HMAC-SHA256 of user_id (64 hex characters)")
      .optional()
      .meta({
        description:
          "Hex HMAC-SHA256 of user_id with IDENTITY_SECRET, computed by the site's server. With it the visitor is " +
          "linked to the user (history on every device); without it only metadata is updated.",
      }),
    name: identityText("name", 200).optional(),
    email: z.email({ error: "email must be an email address" }).max(320).optional(),
    metadata: visitorMetadataSchema.optional(),
  })
  .refine((input) => input.user_hash === undefined || input.user_id !== undefined, {
    message: "user_id is required with user_hash (the hash is of user_id)",
    path: ["user_id"],
  });
export type IdentifyVisitorInput = z.infer<typeof identifyVisitorInputSchema>;

export const identifiedVisitorSchema = z
  .object({
    visitor_id: z.uuid().meta({
      description: "The visitor id to use from now on (the user's visitor; may differ from the id sent).",
    }),
    identified: z
      .boolean()
      .meta({ description: "True when user_hash proved the user (the visitor is linked)." }),
    visitor: visitorSchema,
  })
  .meta({ id: "IdentifiedVisitor" });
export type IdentifiedVisitorDto = z.infer<typeof identifiedVisitorSchema>;

export const setVisitorEmailInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The visitor's id." }),
  visitor_id: visitorIdSchema.optional().meta({
    description: "The visitor's own id again, as for every visitor call (the same as in the path).",
  }),
  email: z
    .email({ error: "email must be an email address, e.g. ada@example.com" })
    .max(254, "email must be at most 254 characters")
    .meta({ description: "Where an agent can answer later.", example: "ada@example.com" }),
});
export type SetVisitorEmailInput = z.infer<typeof setVisitorEmailInputSchema>;
