/**
 * Prometheus metrics (prom-client), served by /api/metrics when METRICS_TOKEN is set (src/server/rest/metrics.ts).
 * One registry per process, kept on globalThis: Next.js bundles each route separately and scripts/start.ts (which
 * counts HTTP requests) loads this module outside the bundle; whoever loads it first creates the metrics.
 *
 * Fed by other areas: `metrics.openStreams` by followSession (src/server/chat/events), `metrics.webhookDeliveries`
 * by recordWebhookAttempt (src/server/webhooks/metrics.ts) with outcome succeeded | retrying | failed. Names are in
 * docs/operations.md ("Metrics").
 */
import client from "prom-client";

/** What a database pool reports (pg.Pool has these counters). */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const pools = new Set<PoolCounts>();
  const metric = { registers: [registry] };
  return {
    registry,
    /** Database pools to report (PostgreSQL; SQLite has no pool). */
    pools,
    httpRequests: new client.Counter({
      name: "visitor_chat_http_requests_total",
      help: "HTTP requests answered, by method, route (ids replaced by :id) and status.",
      labelNames: ["method", "route", "status"] as const,
      ...metric,
    }),
    httpDuration: new client.Histogram({
      name: "visitor_chat_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its response (a stream's whole life), by method, route and status.",
      labelNames: ["method", "route", "status"] as const,
      buckets: LATENCY_BUCKETS,
      ...metric,
    }),
    replies: new client.Counter({
      name: "visitor_chat_replies_total",
      help: "Assistant replies finished, by final status (complete, stopped, failed) and responder (llm, knowledge-base…).",
      labelNames: ["status", "responder"] as const,
      ...metric,
    }),
    llmDuration: new client.Histogram({
      name: "visitor_chat_llm_request_duration_seconds",
      help: "Time of one LLM streaming request, from the call to its last token, by outcome (ok, error, aborted).",
      labelNames: ["outcome"] as const,
      buckets: LATENCY_BUCKETS,
      ...metric,
    }),
    llmFirstToken: new client.Histogram({
      name: "visitor_chat_llm_first_token_seconds",
      help: "Time from an LLM request to its first streamed token.",
      buckets: LATENCY_BUCKETS,
      ...metric,
    }),
    llmTokens: new client.Counter({
      name: "visitor_chat_llm_tokens_total",
      help: "Tokens the LLM reported in its usage, by kind (prompt, completion).",
      labelNames: ["kind"] as const,
      ...metric,
    }),
    rateLimitRejections: new client.Counter({
      name: "visitor_chat_rate_limit_rejections_total",
      help: "Requests refused by a rate limit, by action (e.g. sendMessage, createVisitor, signIn).",
      labelNames: ["action"] as const,
      ...metric,
    }),
    openStreams: new client.Gauge({
      name: "visitor_chat_open_event_streams",
      help: "Event streams (SSE) open now.",
      ...metric,
    }),
    webhookDeliveries: new client.Counter({
      name: "visitor_chat_webhook_deliveries_total",
      help: "Webhook deliveries attempted, by outcome.",
      labelNames: ["outcome"] as const,
      ...metric,
    }),
    dbPool: new client.Gauge({
      name: "visitor_chat_db_pool_connections",
      help: "PostgreSQL pool connections, by state: total, idle, waiting (clients queued for a connection).",
      labelNames: ["state"] as const,
      registers: [registry],
      collect() {
        let total = 0;
        let idle = 0;
        let waiting = 0;
        for (const pool of pools) {
          total += pool.totalCount;
          idle += pool.idleCount;
          waiting += pool.waitingCount;
        }
        this.set({ state: "total" }, total);
        this.set({ state: "idle" }, idle);
        this.set({ state: "waiting" }, waiting);
      },
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const KEY = Symbol.for("visitor-chat.metrics");
const store = globalThis as typeof globalThis & { [KEY]?: Metrics };
export const metrics: Metrics = (store[KEY] ??= createMetrics());

/**
 * The route table metric labels come from (see routeLabel): patterns such as `/admin/sessions/[id]`,
 * `/api/chats/sessions/{id}/messages`, `/api/auth/[...all]`. Filled by `npm start`'s server from Next.js's own
 * table of the app's pages and route files (.next/app-path-routes-manifest.json), and by the REST bridge with
 * its paths when it loads (both run in one process: on globalThis).
 */
const ROUTES_KEY = Symbol.for("visitor-chat.route-table");
const routeStore = globalThis as typeof globalThis & { [ROUTES_KEY]?: { pattern: string; test: RegExp }[] };

/** The label of a request whose path matches no route of the table (junk, probes): one fixed label. */
export const UNMATCHED_ROUTE = "unmatched";

/** Adds patterns to the route table (Next.js `[id]`, `[...all]`, `[[...path]]`; OpenAPI `{id}` segments). */
export function registerRoutes(patterns: readonly string[]): void {
  const table = (routeStore[ROUTES_KEY] ??= []);
  for (const raw of patterns) {
    const pattern = raw.length > 1 ? raw.replace(/\/$/, "") : raw;
    if (table.some((route) => route.pattern === pattern)) continue;
    const source = pattern
      .split("/")
      .map((segment) => {
        if (/^\[\[\.\.\.[^\]]+\]\]$/.test(segment)) return "(?:/.*)?";
        if (/^\[\.\.\.[^\]]+\]$/.test(segment)) return "/.+";
        if (/^\[[^\]]+\]$/.test(segment) || /^\{[^}]+\}$/.test(segment)) return "/[^/]+";
        return segment === "" ? "" : `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
      })
      .join("");
    table.push({ pattern, test: new RegExp(`^${source || "/"}/?$`) });
  }
  // The most specific first: more static segments, then fewer catch-alls.
  const weight = (pattern: string) =>
    pattern.split("/").filter((segment) => segment && !/^[[{]/.test(segment)).length * 10 -
    (pattern.includes("...") ? 5 : 0);
  table.sort((a, b) => weight(b.pattern) - weight(a.pattern) || b.pattern.length - a.pattern.length);
}

/** A path segment that is an id (uuid, cuid-like, number, long token): replaced by :id. */
function isIdSegment(segment: string): boolean {
  if (/^\d+$/.test(segment)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment)) return true;
  return segment.length >= 16 && /\d/.test(segment);
}

/**
 * The route of a request for logs and labels: the path without its query, ids replaced by `:id`, static assets
 * folded into one route each. Never the query string (it carries visitor ids and cursors).
 */
export function routeOf(url: string | undefined): string {
  let pathname = (url ?? "/").split(/[?#]/, 1)[0] || "/";
  if (pathname.length > 300) pathname = pathname.slice(0, 300);
  if (pathname.startsWith("/_next/")) return "/_next/*";
  const route = pathname
    .split("/")
    .map((segment) => (isIdSegment(segment) ? ":id" : segment))
    .join("/");
  return route;
}

/**
 * The metric label of a request: the pattern of the route it matches in the route table (registerRoutes), never
 * a part of the path itself — so junk paths cannot add label values (they are all UNMATCHED_ROUTE), and an id
 * is never a label. Static assets are `/_next/*`. Before any table is registered, every path is UNMATCHED_ROUTE.
 */
export function routeLabel(url: string | undefined): string {
  const pathname = (url ?? "/").split(/[?#]/, 1)[0] || "/";
  if (pathname.startsWith("/_next/")) return "/_next/*";
  for (const route of routeStore[ROUTES_KEY] ?? []) if (route.test.test(pathname)) return route.pattern;
  return UNMATCHED_ROUTE;
}
