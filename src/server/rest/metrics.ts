import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../../env";
import { AppError } from "../errors/app-error";
import { metrics } from "../observability/metrics";
import { restErrorResponse, toRestError } from "./errors";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Compares the bearer token with METRICS_TOKEN in constant time (digests have equal lengths). */
function authorized(header: string | null, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

/**
 * GET /api/metrics: every metric of this process in the Prometheus text format (src/server/observability/
 * metrics.ts). Off (404, as an unknown route) unless METRICS_TOKEN is set; then it needs that bearer token.
 */
export async function handleMetricsRequest(request: Request): Promise<Response> {
  const token = env.METRICS_TOKEN;
  if (!token) return restErrorResponse(toRestError(new AppError("ROUTE_NOT_FOUND")));
  if (!authorized(request.headers.get("authorization"), token)) {
    const error = toRestError(new AppError("METRICS_UNAUTHORIZED"));
    return restErrorResponse({
      ...error,
      headers: { ...error.headers, "www-authenticate": 'Bearer realm="metrics"' },
    });
  }
  return new Response(await metrics.registry.metrics(), {
    headers: {
      "content-type": metrics.registry.contentType,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
