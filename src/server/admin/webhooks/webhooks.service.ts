import { randomBytes, randomUUID } from "node:crypto";
import type { AuditBy } from "../../chat/audit/audit-record";
import { commitChange, commitInTransaction } from "../../chat/events/commit-change";
import { forgetWebhookSubscriptions } from "../../chat/webhooks/webhook-events";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "../../db/client";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../../chat/ids";
import { decodeCursor, keysetWhere, toPage } from "../../chat/pagination";
import { checkWebhookUrl, type Resolver } from "../../webhooks/url-guard";
import { RETRY_WINDOW_MS, subscribedTypes } from "../../webhooks/worker";
import type {
  CreatedWebhookEndpointDto,
  CreateWebhookInput,
  ListWebhookDeliveriesInput,
  ResendWebhookDeliveryInput,
  UpdateWebhookInput,
  WebhookDeliveryDto,
  WebhookEndpointDto,
  WebhookIdInput,
} from "./webhooks.schema";

/** What the webhook admin needs besides the database: the SSRF rule (and, in tests, a DNS resolver). */
export interface WebhookAdminDeps {
  db: Db;
  allowPrivate: boolean;
  resolve?: Resolver;
  now?: () => Date;
}

type EndpointRow = Prisma.WebhookEndpointGetPayload<object>;

function toEndpointDto(row: EndpointRow): WebhookEndpointDto {
  return {
    id: row.id,
    url: row.url,
    events: subscribedTypes(row.events),
    enabled: row.enabled,
    disabled_at: row.disabled_at?.toISOString() ?? null,
    disabled_reason: row.disabled_reason,
    failing_since: row.failing_since?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: { event: { select: { type: true } } } }>;

function toDeliveryDto(row: DeliveryRow): WebhookDeliveryDto {
  const status = row.status === "succeeded" || row.status === "failed" ? row.status : "pending";
  return {
    id: row.id,
    event_id: row.event_id,
    event_type: row.event.type,
    status,
    attempts: row.attempts,
    next_attempt_at: status === "pending" ? row.next_attempt_at.toISOString() : null,
    last_attempt_at: row.last_attempt_at?.toISOString() ?? null,
    last_status: row.last_status,
    last_response: row.last_response,
    last_error: row.last_error,
    created_at: row.created_at.toISOString(),
    delivered_at: row.delivered_at?.toISOString() ?? null,
  };
}

/** Refuses a URL that resolves to a non-public address (SSRF), unless allowed. */
async function assertAllowedUrl(deps: WebhookAdminDeps, url: string): Promise<void> {
  const check = await checkWebhookUrl(url, { allowPrivate: deps.allowPrivate, resolve: deps.resolve });
  if (check.ok) return;
  if (check.reason === "unresolvable") {
    throw new AppError("WEBHOOK_URL_UNRESOLVABLE", {
      params: { host: check.host },
      fieldErrors: { url: [`${check.host} does not resolve`] },
    });
  }
  throw new AppError("WEBHOOK_URL_NOT_ALLOWED", {
    params: { host: check.host, address: check.address },
    fieldErrors: { url: [`${check.host} resolves to ${check.address}, which is not a public address`] },
  });
}

async function findEndpoint(db: Db, id: string): Promise<EndpointRow> {
  const row = isUuid(id) ? await db.webhookEndpoint.findUnique({ where: { id } }) : null;
  if (!row) throw new AppError("WEBHOOK_NOT_FOUND");
  return row;
}

/** A new signing secret in Standard Webhooks' form: whsec_ + base64 of 32 random bytes. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/* Every change below is audited (webhook.*) with `by`, in its transaction: ids, event types and field names only. */

export async function createWebhookEndpoint(
  deps: WebhookAdminDeps,
  input: CreateWebhookInput,
  by: AuditBy,
): Promise<CreatedWebhookEndpointDto> {
  await assertAllowedUrl(deps, input.url);
  const now = deps.now?.() ?? new Date();
  const id = randomUUID();
  const [row] = await commitChange(deps, {
    writes: [
      deps.db.webhookEndpoint.create({
        data: {
          id,
          url: input.url,
          events: input.events,
          secret: newSecret(),
          created_at: now,
          updated_at: now,
        },
      }),
    ],
    audit: {
      ...by,
      action: "webhook.created",
      object: { type: "webhook_endpoint", id },
      detail: { events: input.events.join(",") },
    },
  });
  // This instance writes the new endpoint's events from now on (others within SUBSCRIPTIONS_REFRESH_MS).
  forgetWebhookSubscriptions(deps.db);
  return { ...toEndpointDto(row), secret: row.secret };
}

export async function listWebhookEndpoints(deps: WebhookAdminDeps): Promise<{ items: WebhookEndpointDto[] }> {
  const rows = await deps.db.webhookEndpoint.findMany({ orderBy: [{ created_at: "desc" }, { id: "desc" }] });
  return { items: rows.map(toEndpointDto) };
}

export async function getWebhookEndpoint(
  deps: WebhookAdminDeps,
  input: WebhookIdInput,
): Promise<WebhookEndpointDto> {
  return toEndpointDto(await findEndpoint(deps.db, input.id));
}

/** Changes the URL (checked again), the events, or enabled; enabling clears why it was disabled. */
export async function updateWebhookEndpoint(
  deps: WebhookAdminDeps,
  input: UpdateWebhookInput,
  by: AuditBy,
): Promise<WebhookEndpointDto> {
  const current = await findEndpoint(deps.db, input.id);
  if (input.url !== undefined) await assertAllowedUrl(deps, input.url);
  const now = deps.now?.() ?? new Date();
  const enabling = input.enabled === true && !current.enabled;
  const disabling = input.enabled === false && current.enabled;
  const fields = (["url", "events", "enabled"] as const).filter((field) => input[field] !== undefined);
  try {
    const row = await commitInTransaction(deps, async (tx) => {
      const { count } = await tx.webhookEndpoint.updateMany({
        where: { id: current.id },
        data: {
          updated_at: now,
          ...(input.url !== undefined && { url: input.url }),
          ...(input.events !== undefined && { events: input.events }),
          ...(enabling && { enabled: true, disabled_at: null, disabled_reason: null, failing_since: null }),
          ...(disabling && { enabled: false, disabled_at: now, disabled_reason: "Disabled by an admin." }),
        },
      });
      if (Number(count) === 0) throw new AppError("WEBHOOK_NOT_FOUND");
      return {
        result: await tx.webhookEndpoint.findUniqueOrThrow({ where: { id: current.id } }),
        audit: {
          ...by,
          action: "webhook.updated",
          object: { type: "webhook_endpoint", id: current.id },
          detail: {
            fields: fields.join(","),
            ...(enabling && { enabled: true }),
            ...(disabling && { enabled: false }),
          },
        },
      };
    });
    return toEndpointDto(row);
  } finally {
    forgetWebhookSubscriptions(deps.db);
  }
}

/** Deletes the endpoint and its deliveries (pending ones are not sent). */
export async function deleteWebhookEndpoint(
  deps: WebhookAdminDeps,
  input: WebhookIdInput,
  by: AuditBy,
): Promise<{ id: string; deleted: true }> {
  const current = await findEndpoint(deps.db, input.id);
  try {
    await commitInTransaction(deps, async (tx) => {
      const { count } = await tx.webhookEndpoint.deleteMany({ where: { id: current.id } });
      if (Number(count) === 0) throw new AppError("WEBHOOK_NOT_FOUND");
      return {
        result: null,
        audit: {
          ...by,
          action: "webhook.deleted",
          object: { type: "webhook_endpoint", id: current.id },
        },
      };
    });
  } finally {
    forgetWebhookSubscriptions(deps.db);
  }
  return { id: current.id, deleted: true };
}

/** An endpoint's deliveries, newest first. */
export async function listWebhookDeliveries(
  deps: WebhookAdminDeps,
  input: ListWebhookDeliveriesInput,
): Promise<{ items: WebhookDeliveryDto[]; next_cursor: string | null }> {
  const endpoint = await findEndpoint(deps.db, input.id);
  const after = decodeCursor(input.cursor);
  const rows = await deps.db.webhookDelivery.findMany({
    where: {
      endpoint_id: endpoint.id,
      ...keysetWhere<Prisma.WebhookDeliveryWhereInput>("created_at", after, "desc"),
    },
    orderBy: [{ created_at: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    include: { event: { select: { type: true } } },
  });
  return toPage(rows, input.limit, (row) => row.created_at, toDeliveryDto);
}

/**
 * Sends a delivery again now (same webhook-id, so a receiver that already has it can drop it), whatever its
 * status; a failed attempt is then retried as usual for another 24 hours. The endpoint must be enabled.
 */
export async function resendWebhookDelivery(
  deps: WebhookAdminDeps,
  input: ResendWebhookDeliveryInput,
  by: AuditBy,
): Promise<WebhookDeliveryDto> {
  const endpoint = await findEndpoint(deps.db, input.id);
  if (!endpoint.enabled) throw new AppError("WEBHOOK_DISABLED");
  if (!isUuid(input.delivery_id)) throw new AppError("WEBHOOK_DELIVERY_NOT_FOUND");
  const now = deps.now?.() ?? new Date();
  const row = await commitInTransaction(deps, async (tx) => {
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: input.delivery_id, endpoint_id: endpoint.id },
      data: {
        status: "pending",
        next_attempt_at: now,
        retry_until: new Date(now.getTime() + RETRY_WINDOW_MS),
        delivered_at: null,
      },
    });
    if (Number(count) === 0) throw new AppError("WEBHOOK_DELIVERY_NOT_FOUND");
    const delivery = await tx.webhookDelivery.findUniqueOrThrow({
      where: { id: input.delivery_id },
      include: { event: { select: { type: true } } },
    });
    return {
      result: delivery,
      audit: {
        ...by,
        action: "webhook.resent",
        object: { type: "webhook_delivery", id: delivery.id },
        detail: { endpoint_id: endpoint.id, event_type: delivery.event.type },
      },
    };
  });
  return toDeliveryDto(row);
}
