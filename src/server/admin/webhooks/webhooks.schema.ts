import { z } from "zod";
import { idSchema } from "../../chat/ids";
import { pageInputSchema, pageOf } from "../../chat/pagination";
import { WEBHOOK_EVENT_TYPES } from "../../chat/webhooks/webhook-events";

const urlSchema = z
  .string({ error: "url is required: the https:// address that receives the webhooks" })
  .trim()
  .max(2000, "url must be at most 2000 characters")
  .pipe(
    z.url({
      protocol: /^https?$/,
      error: "url must be an http:// or https:// URL, e.g. https://example.com/hooks/chat",
    }),
  )
  .meta({ description: "Where the webhooks are POSTed.", example: "https://example.com/hooks/chat" });

const eventsSchema = z
  .array(
    z.enum(WEBHOOK_EVENT_TYPES, {
      error: `events holds event types: ${WEBHOOK_EVENT_TYPES.join(", ")}`,
    }),
    { error: `events is required: a list of event types (${WEBHOOK_EVENT_TYPES.join(", ")})` },
  )
  .min(1, `events must name at least one event type (${WEBHOOK_EVENT_TYPES.join(", ")})`)
  .transform((events) => [...new Set(events)])
  .meta({ description: "The event types it receives.", example: ["message.created"] });

export const webhookEndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_at: z.iso.datetime().nullable(),
    disabled_reason: z.string().nullable(),
    failing_since: z.iso.datetime().nullable().meta({
      description: "The first failed attempt since the last success; disabled after 24 hours of failing.",
    }),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: "WebhookEndpoint" });
export type WebhookEndpointDto = z.infer<typeof webhookEndpointSchema>;

export const createdWebhookEndpointSchema = webhookEndpointSchema
  .extend({
    secret: z.string().meta({
      description:
        "The signing secret (whsec_…), for the receiver's standardwebhooks Webhook(secret). Shown only now.",
    }),
  })
  .meta({ id: "CreatedWebhookEndpoint" });
export type CreatedWebhookEndpointDto = z.infer<typeof createdWebhookEndpointSchema>;

export const createWebhookInputSchema = z.strictObject({ url: urlSchema, events: eventsSchema });
export type CreateWebhookInput = z.infer<typeof createWebhookInputSchema>;

export const updateWebhookInputSchema = z.strictObject({
  id: idSchema,
  url: urlSchema.optional(),
  events: eventsSchema.optional(),
  enabled: z
    .boolean()
    .optional()
    .meta({ description: "false disables it; true enables it again (and clears why it was disabled)." }),
});
export type UpdateWebhookInput = z.infer<typeof updateWebhookInputSchema>;

export const webhookIdInputSchema = z.strictObject({ id: idSchema });
export type WebhookIdInput = z.infer<typeof webhookIdInputSchema>;

export const webhookListSchema = z.object({ items: z.array(webhookEndpointSchema) });

export const webhookDeliverySchema = z
  .object({
    id: z.uuid(),
    event_id: z.string().meta({ description: "Sent as webhook-id (the same on every attempt)." }),
    event_type: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.number().int(),
    next_attempt_at: z.iso.datetime().nullable().meta({ description: "Null once it succeeded or failed." }),
    last_attempt_at: z.iso.datetime().nullable(),
    last_status: z.number().int().nullable().meta({ description: "HTTP status of the last answer." }),
    last_response: z
      .string()
      .nullable()
      .meta({ description: "The first 1,000 characters of the last answer." }),
    last_error: z.string().nullable().meta({ description: "Why the last attempt got no answer." }),
    created_at: z.iso.datetime(),
    delivered_at: z.iso.datetime().nullable(),
  })
  .meta({ id: "WebhookDelivery" });
export type WebhookDeliveryDto = z.infer<typeof webhookDeliverySchema>;

export const listWebhookDeliveriesInputSchema = pageInputSchema.extend({ id: idSchema });
export type ListWebhookDeliveriesInput = z.infer<typeof listWebhookDeliveriesInputSchema>;
export const webhookDeliveryPageSchema = pageOf(webhookDeliverySchema);

export const resendWebhookDeliveryInputSchema = z.strictObject({
  id: idSchema,
  delivery_id: idSchema.meta({ description: "The delivery to send again (from the deliveries list)." }),
});
export type ResendWebhookDeliveryInput = z.infer<typeof resendWebhookDeliveryInputSchema>;
