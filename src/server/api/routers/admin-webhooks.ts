import {
  createdWebhookEndpointSchema,
  createWebhookInputSchema,
  listWebhookDeliveriesInputSchema,
  resendWebhookDeliveryInputSchema,
  updateWebhookInputSchema,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookIdInputSchema,
  webhookListSchema,
} from "../../admin/webhooks/webhooks.schema";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  resendWebhookDelivery,
  updateWebhookEndpoint,
  type WebhookAdminDeps,
} from "../../admin/webhooks/webhooks.service";
import type { ChatDeps } from "../../chat/deps";
import { auditByOf } from "../../admin/auth/admin-access";
import { adminProcedure, createTRPCRouter } from "../trpc";
import { z } from "zod";

const TAGS = ["Webhooks"];

function webhookDeps(deps: ChatDeps): WebhookAdminDeps {
  return { db: deps.db, allowPrivate: deps.config.admin.webhooksAllowPrivate };
}

/** admin.webhooks.*: signed webhook endpoints and their deliveries (docs/webhooks.md). */
export const adminWebhooksRouter = createTRPCRouter({
  create: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/admin/webhooks",
        tags: TAGS,
        protect: true,
        summary: "Register a webhook endpoint (admin)",
        description:
          "Registers a URL to receive the given event types, signed per Standard Webhooks. The answer holds the " +
          "signing `secret` (whsec_…): it is shown only now. URLs resolving to loopback, private or link-local " +
          "addresses are refused unless WEBHOOKS_ALLOW_PRIVATE=true.",
      },
      errors: ["WEBHOOK_URL_NOT_ALLOWED", "WEBHOOK_URL_UNRESOLVABLE"],
      rest: { successStatus: 201, successMessage: "Webhook endpoint registered." },
    })
    .input(createWebhookInputSchema)
    .output(createdWebhookEndpointSchema)
    .mutation(({ ctx, input }) =>
      createWebhookEndpoint(webhookDeps(ctx.deps), input, auditByOf(ctx.principal, ctx.ip)),
    ),

  list: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/webhooks",
        tags: TAGS,
        protect: true,
        summary: "List webhook endpoints (admin)",
        description:
          "Every endpoint, newest first, with whether it is enabled (and why not). Secrets are not shown.",
      },
      rest: { successMessage: "Webhook endpoints listed." },
    })
    .input(z.strictObject({}).optional())
    .output(webhookListSchema)
    .query(({ ctx }) => listWebhookEndpoints(webhookDeps(ctx.deps))),

  get: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/webhooks/{id}",
        tags: TAGS,
        protect: true,
        summary: "Get a webhook endpoint (admin)",
        description: "One endpoint (without its secret).",
      },
      errors: ["WEBHOOK_NOT_FOUND"],
      rest: { successMessage: "Webhook endpoint found." },
    })
    .input(webhookIdInputSchema)
    .output(webhookEndpointSchema)
    .query(({ ctx, input }) => getWebhookEndpoint(webhookDeps(ctx.deps), input)),

  update: adminProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/admin/webhooks/{id}",
        tags: TAGS,
        protect: true,
        summary: "Change a webhook endpoint (admin)",
        description:
          "Changes its `url` (checked again), its `events`, or `enabled`: false disables it, true enables it " +
          "again after it was disabled (by an admin, or after failing for 24 hours).",
      },
      errors: ["WEBHOOK_NOT_FOUND", "WEBHOOK_URL_NOT_ALLOWED", "WEBHOOK_URL_UNRESOLVABLE"],
      rest: { successMessage: "Webhook endpoint changed." },
    })
    .input(updateWebhookInputSchema)
    .output(webhookEndpointSchema)
    .mutation(({ ctx, input }) =>
      updateWebhookEndpoint(webhookDeps(ctx.deps), input, auditByOf(ctx.principal, ctx.ip)),
    ),

  delete: adminProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/admin/webhooks/{id}",
        tags: TAGS,
        protect: true,
        summary: "Delete a webhook endpoint (admin)",
        description: "Deletes the endpoint and its deliveries; pending deliveries are not sent.",
      },
      errors: ["WEBHOOK_NOT_FOUND"],
      rest: { successMessage: "Webhook endpoint deleted." },
    })
    .input(webhookIdInputSchema)
    .output(z.object({ id: z.uuid(), deleted: z.literal(true) }))
    .mutation(({ ctx, input }) =>
      deleteWebhookEndpoint(webhookDeps(ctx.deps), input, auditByOf(ctx.principal, ctx.ip)),
    ),

  deliveries: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/webhooks/{id}/deliveries",
        tags: TAGS,
        protect: true,
        summary: "List an endpoint's deliveries (admin)",
        description:
          "The endpoint's deliveries, newest first, one page at a time: status (pending, succeeded, failed), " +
          "attempts, the last answer's HTTP status and body excerpt, or why there was none.",
      },
      errors: ["WEBHOOK_NOT_FOUND", "INVALID_CURSOR"],
      rest: { successMessage: "Deliveries listed." },
    })
    .input(listWebhookDeliveriesInputSchema)
    .output(webhookDeliveryPageSchema)
    .query(({ ctx, input }) => listWebhookDeliveries(webhookDeps(ctx.deps), input)),

  resend: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/admin/webhooks/{id}/deliveries/{delivery_id}/resend",
        tags: TAGS,
        protect: true,
        summary: "Resend a delivery (admin)",
        description:
          "Sends the delivery again as soon as the worker runs (same webhook-id), whatever its status; failed " +
          "attempts are then retried for another 24 hours. The endpoint must be enabled.",
      },
      errors: ["WEBHOOK_NOT_FOUND", "WEBHOOK_DELIVERY_NOT_FOUND", "WEBHOOK_DISABLED"],
      rest: { successMessage: "Delivery queued to be sent again." },
    })
    .input(resendWebhookDeliveryInputSchema)
    .output(webhookDeliverySchema)
    .mutation(({ ctx, input }) =>
      resendWebhookDelivery(webhookDeps(ctx.deps), input, auditByOf(ctx.principal, ctx.ip)),
    ),
});
