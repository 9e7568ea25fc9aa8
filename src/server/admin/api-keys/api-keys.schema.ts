import { z } from "zod";
import { API_KEY_NAME_MAX_CHARS } from "~/shared/limits";
import { API_KEY_SCOPES } from "~/shared/roles";
import { agentNameSchema } from "../../chat/handoff/handoff.schema";
import { idSchema } from "../../chat/ids";

const scopesSchema = z
  .array(z.enum(API_KEY_SCOPES, { error: "each scope must be admin, agent or read" }))
  .min(1, "scopes must name at least one of admin, agent, read")
  .max(API_KEY_SCOPES.length)
  .meta({
    description:
      "What the key may do: `admin` everything; `agent` what an agent may (the inbox's actions, sessions, visitors " +
      "and knowledge read, reports); `read` only the GET routes an agent may use. Scopes nest, so a key holds the " +
      "widest one given.",
  });

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().meta({ description: "The key's first characters, to tell keys apart." }),
    created_at: z.iso.datetime(),
    last_used_at: z.iso.datetime().nullable().meta({ description: "Accurate to about a minute." }),
    revoked_at: z.iso.datetime().nullable(),
    created_by: z.string().nullable().meta({ description: "Email of the admin who created it." }),
    scopes: scopesSchema,
    agent_name: z
      .string()
      .nullable()
      .meta({ description: "The agent the key acts as (claims, replies): several agents, several keys." }),
  })
  .meta({ id: "ApiKey" });
export type ApiKeyDto = z.infer<typeof apiKeySchema>;

export const createApiKeyInputSchema = z.strictObject({
  name: z
    .string({ error: "name is required: say who or what uses the key, e.g. CRM sync" })
    .trim()
    .min(1, "name is required: say who or what uses the key, e.g. CRM sync")
    .max(API_KEY_NAME_MAX_CHARS, `name must be at most ${API_KEY_NAME_MAX_CHARS} characters`),
  /** Left out: an admin key (what every key was before scopes existed). */
  scopes: scopesSchema.default(["admin"]),
  agent_name: agentNameSchema,
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInputSchema>;

export const createdApiKeySchema = z.object({
  id: z.uuid(),
  api_key: apiKeySchema,
  key: z.string().meta({ description: "The key itself. Shown only now: it is stored hashed." }),
});
export type CreatedApiKeyDto = z.infer<typeof createdApiKeySchema>;

export const revokeApiKeyInputSchema = z.strictObject({ id: idSchema });
export type RevokeApiKeyInput = z.infer<typeof revokeApiKeyInputSchema>;

export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema) });
