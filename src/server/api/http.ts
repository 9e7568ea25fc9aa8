/**
 * What /api/trpc checks before tRPC runs any call (src/app/api/trpc/[trpc]/route.ts), each refusal answered in
 * tRPC's error shape with its own status: a path that is not valid percent-encoding (400), more calls in a
 * batch than TRPC_MAX_BATCH_SIZE (400), a streamed procedure asked for without a streaming link (400, before
 * anything is stored), a body over MAX_BODY_BYTES (413), and the rate limits of streamed calls and of
 * subscriptions (opening an event stream), which are
 * consumed here so that a refusal is a real 429 with its headers rather than an error inside a 200 stream.
 */
import type { AnyProcedure } from "@trpc/server";
import { requireAdmin } from "../admin/auth/admin-access";
import { AppError } from "../errors/app-error";
import { getChatDeps } from "../runtime/runtime";
import { boundedByDeclaredLength, readBodyBytes } from "../protection/body-limit";
import { clientIp } from "../protection/rate-limits";
import { appRouter, procedureMetaByPath } from "./root";
import { trpcErrorResponse } from "./errors";
import { accessNeedOf, consumeRateLimit } from "./trpc";

export const TRPC_ENDPOINT = "/api/trpc";

/** Calls in one batch request. The widget batches what it asks for at once: a handful. */
export const TRPC_MAX_BATCH_SIZE = 10;

export type PreparedTrpcRequest =
  | { response: Response }
  | {
      /** The request to hand to tRPC (its body already read, within the limit). */
      request: Request;
      /** The calls' rate limits were consumed here: the procedures' middleware must not count them again. */
      rateLimitsConsumed: boolean;
      /** A call starts an assistant reply (meta `startsReply`): the route keeps it alive at shutdown. */
      startsReply: boolean;
    };

export async function prepareTrpcRequest(request: Request): Promise<PreparedTrpcRequest> {
  try {
    const url = new URL(request.url);
    const batch = url.searchParams.get("batch") === "1";
    // The path as tRPC reads it (slashes around it trimmed, `…/messages.chatStream/` is that procedure); a
    // request that spells it otherwise is handed on with the path checked here, so tRPC runs what was checked.
    const procedurePath = trimSlashes(trimSlashes(url.pathname).slice(TRPC_ENDPOINT.length - 1));
    const respelled = url.pathname !== `${TRPC_ENDPOINT}/${procedurePath}`;
    if (respelled) url.pathname = `${TRPC_ENDPOINT}/${procedurePath}`;
    const paths = calledPaths(procedurePath, batch);
    const metas = paths.map((path) => procedureMetaByPath.get(path));
    const streaming = acceptsJsonLines(request.headers);

    // An admin subscription (SSE) would report a refused caller inside a 200 stream: check access first.
    for (const [index, path] of paths.entries())
      if (ADMIN_SUBSCRIPTIONS.has(path))
        await requireAdmin(await getChatDeps(), request.headers, accessNeedOf(metas[index], "subscription"));

    const streamedPath = paths.find((_, index) => metas[index]?.stream);
    if (streamedPath !== undefined && !streaming) {
      throw new AppError("STREAMING_LINK_REQUIRED", { params: { path: streamedPath } });
    }

    // A subscription (EventSource, `Accept: text/event-stream`) is limited here too: opening a stream is
    // refused with a real 429 rather than an error event inside a 200 stream.
    const limited =
      (streaming || acceptsEventStream(request.headers)) && metas.some((meta) => meta?.rateLimit);

    let forwarded = request;
    let body: Uint8Array<ArrayBuffer> | undefined;
    // A body of a declared length within the limit goes to tRPC unread (no copy), unless its inputs are needed
    // here for the rate limits; a chunked body is read and counted.
    if (request.body && (limited || respelled || !boundedByDeclaredLength(request.headers))) {
      body = await readBodyBytes(request);
    }
    if (body || respelled) {
      forwarded = new Request(url, {
        method: request.method,
        headers: request.headers,
        body,
        // Closing the connection (the widget's stop button, a reload) still aborts the calls.
        signal: request.signal,
      });
    }

    if (limited) {
      const inputs = rawInputs(url, body, batch);
      const ip = clientIp(request.headers);
      for (const [index, meta] of metas.entries()) await consumeRateLimit(meta, ip, inputs?.[index]);
    }
    return {
      request: forwarded,
      rateLimitsConsumed: limited,
      startsReply: metas.some((meta) => meta?.startsReply),
    };
  } catch (error) {
    return { response: trpcErrorResponse(error) };
  }
}

const ADMIN_SUBSCRIPTIONS: ReadonlySet<string> = new Set(
  Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>)
    .filter(([path, procedure]) => path.startsWith("admin.") && procedure._def.type === "subscription")
    .map(([path]) => path),
);

/** tRPC's own trimming of a path (fetchRequestHandler): one slash off each end. */
function trimSlashes(path: string): string {
  return path.replace(/^\//, "").replace(/\/$/, "");
}

/** The procedure paths a request calls (`a,b` of `/api/trpc/a,b?batch=1`), as tRPC will read them. */
function calledPaths(procedurePath: string, batch: boolean): string[] {
  let path: string;
  try {
    path = decodeURIComponent(procedurePath);
  } catch {
    throw new AppError("MALFORMED_PATH");
  }
  if (!batch) return [path];
  const paths = path.split(",");
  if (paths.length > TRPC_MAX_BATCH_SIZE) {
    throw new AppError("BATCH_TOO_LARGE", { params: { max: TRPC_MAX_BATCH_SIZE, count: paths.length } });
  }
  return paths;
}

/** httpBatchStreamLink's request (tRPC's own test: `trpc-accept`, or `application/jsonl` among Accept). */
function acceptsJsonLines(headers: Headers): boolean {
  const trpcAccept = headers.get("trpc-accept");
  if (trpcAccept !== null) return trpcAccept === "application/jsonl";
  return (headers.get("accept") ?? "").split(",").some((type) => type.trim() === "application/jsonl");
}

/** httpSubscriptionLink's EventSource request. */
function acceptsEventStream(headers: Headers): boolean {
  return (headers.get("accept") ?? "").split(",").some((type) => type.trim().startsWith("text/event-stream"));
}

/**
 * Each call's raw input, by index, read as tRPC reads it (JSON, no transformer): the body of a POST, the `input`
 * parameter of a GET; a batch's inputs are keyed by index. Undefined when it is not JSON (tRPC refuses it).
 */
function rawInputs(
  url: URL,
  body: Uint8Array | undefined,
  batch: boolean,
): Record<number, unknown> | undefined {
  try {
    const text = body ? new TextDecoder().decode(body) : url.searchParams.get("input");
    if (!text) return undefined;
    const parsed = JSON.parse(text) as unknown;
    if (!batch) return { 0: parsed };
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<number, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
