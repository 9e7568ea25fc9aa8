import { z } from "zod";
import { API_KEY_NAME_MAX_CHARS } from "~/shared/limits";
import { idSchema } from "../../chat/ids";

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().meta({ description: "The key's first characters, to tell keys apart." }),
    created_at: z.iso.datetime(),
    last_used_at: z.iso.datetime().nullable().meta({ description: "Accurate to about a minute." }),
    revoked_at: z.iso.datetime().nullable(),
    created_by: z.string().nullable().meta({ description: "Email of the admin who created it." }),
  })
  .meta({ id: "ApiKey" });
export type ApiKeyDto = z.infer<typeof apiKeySchema>;

export const createApiKeyInputSchema = z.strictObject({
  name: z
    .string({ error: "name is required: say who or what uses the key, e.g. CRM sync" })
    .trim()
    .min(1, "name is required: say who or what uses the key, e.g. CRM sync")
    .max(API_KEY_NAME_MAX_CHARS, `name must be at most ${API_KEY_NAME_MAX_CHARS} characters`),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInputSchema>;

export const createdApiKeySchema = z.object({
  api_key: apiKeySchema,
  key: z.string().meta({ description: "The key itself. Shown only now: it is stored hashed." }),
});
export type CreatedApiKeyDto = z.infer<typeof createdApiKeySchema>;

export const revokeApiKeyInputSchema = z.strictObject({ id: idSchema });
export type RevokeApiKeyInput = z.infer<typeof revokeApiKeyInputSchema>;

export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema) });
