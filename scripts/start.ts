/**
 * `npm start`: everything a fresh checkout needs to serve the app, then the server.
 * Checks the environment (src/env.ts: a bad value stops here, before anything listens), applies pending
 * migrations (creating ./data/visitor-chat.db on first run), builds if there is no build or the sources changed
 * since it (scripts/build-freshness.ts), and
 * serves Next.js from its own `node:http` server, on PORT (default 3000) and HOSTNAME (default: every
 * interface), or `-p <port>` / `-H <hostname>`.
 *
 * Run by `npm start` compiled to JavaScript, in one process (scripts/start.mjs: no TypeScript loader); it sets
 * NODE_ENV=production first, logs JSON lines only (console included), and hands Next.js the configuration the
 * build resolved.
 *
 * Why not `next start`: Next.js passes a client-sent X-Forwarded-For through unchanged, so the app could not
 * tell a client's real address from one it made up. Here every request gets the trusted client address
 * (the socket's, or an X-Forwarded-For hop when TRUSTED_PROXIES vouches for the proxy in front) in
 * x-visitor-chat-client-ip, and X-Forwarded-For / X-Forwarded-Proto are rewritten to match
 * (src/server/protection/client-address.ts). SIGTERM / SIGINT stop accepting requests and finish the ones in
 * flight, including replies still being written (Next.js `after()`), then exit.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { format } from "node:util";
import { loadEnvConfig } from "@next/env";
import type { NextConfig } from "next";
import type { Logger } from "pino";
import {
  CLIENT_ADDRESS_HEADER,
  CLIENT_PROTO_HEADER,
  isTrustedProxy,
  markClientHeaderTrusted,
  parseTrustedProxies,
  resolveClientAddress,
  type TrustedProxies,
} from "../src/server/protection/client-address";
import { DEFAULT_DATABASE_URL } from "../src/server/db/database-url";
import { AppError } from "../src/server/errors/app-error";
import { toRestError } from "../src/server/rest/errors";
import { trpcErrorResponse } from "../src/server/api/errors";
import { BASE_HEADERS } from "../src/server/protection/security-headers";
import { isMalformedPath, malformedPathAnswer } from "../src/server/protection/malformed-path";
import { nodeRouteFor, serveOnNode } from "../src/server/rest/node-routes";
import { buildState, type BuildState } from "./build-freshness";
import { migrate, redactUrls } from "./db";

function fail(error: unknown): never {
  // Never a raw stack: it can carry the database URL, password included.
  console.error(redactUrls(error instanceof Error ? error.message : String(error)));
  process.exit(1);
}

function option(short: string, long: string): string | undefined {
  const args = process.argv.slice(2);
  const index = args.findIndex((arg) => arg === short || arg === long);
  if (index >= 0) return args[index + 1];
  return args.find((arg) => arg.startsWith(`${long}=`))?.slice(long.length + 1);
}

/** The first value of a header Node.js may have joined or listed. */
function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Replaces client-sent address headers with the ones this server vouches for. */
function stampClient(request: IncomingMessage, trusted: TrustedProxies): void {
  const client = resolveClientAddress(
    {
      socketAddress: request.socket.remoteAddress,
      forwardedFor: headerOf(request, "x-forwarded-for"),
      forwardedProto: headerOf(request, "x-forwarded-proto"),
    },
    trusted,
  );
  request.headers[CLIENT_ADDRESS_HEADER] = client.address;
  request.headers[CLIENT_PROTO_HEADER] = client.proto;
  request.headers["x-forwarded-for"] = client.address;
  request.headers["x-forwarded-proto"] = client.proto;
}

/** An X-Request-Id a trusted proxy may pass on: short, plain characters (it is logged and echoed). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the trusted proxy's X-Request-Id when it is sane, else a new one. Set on both sides. */
function stampRequestId(request: IncomingMessage, response: ServerResponse, trusted: TrustedProxies): string {
  const incoming = headerOf(request, "x-request-id")?.trim();
  const id =
    incoming && SANE_REQUEST_ID.test(incoming) && isTrustedProxy(request.socket.remoteAddress, trusted)
      ? incoming
      : randomUUID();
  request.headers["x-request-id"] = id;
  response.setHeader("x-request-id", id);
  return id;
}

/** The methods any route serves. Next.js answers others (TRACE, CONNECT) with a bare 500 before our code runs. */
const SERVED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function refuseMethod(response: ServerResponse): void {
  response.writeHead(405, {
    allow: SERVED_METHODS.join(", "),
    "content-type": "application/json",
    "x-content-type-options": "nosniff",
  });
  response.end(JSON.stringify(toRestError(new AppError("METHOD_NOT_ALLOWED")).body));
}

/**
 * Any path that is not valid percent-encoding (src/server/protection/malformed-path.ts): refused here, a 400 in
 * the answer of its kind, rather than in src/proxy.ts, so that API calls skip the proxy's round.
 */
async function refuseMalformedPath(response: ServerResponse, kind: "trpc" | "rest" | "page"): Promise<void> {
  const error = new AppError("MALFORMED_PATH");
  if (kind === "page") {
    response.writeHead(400, { ...BASE_HEADERS, "content-type": "text/plain; charset=utf-8" });
    response.end(error.message);
    return;
  }
  if (kind === "rest") {
    const { status, body } = toRestError(error);
    response.writeHead(status, { ...BASE_HEADERS, "content-type": "application/json" });
    response.end(JSON.stringify(body));
    return;
  }
  const answer = trpcErrorResponse(error);
  response.writeHead(answer.status, { ...Object.fromEntries(answer.headers), ...BASE_HEADERS });
  response.end(await answer.text());
}

/**
 * What is printed through `console` in this process (Next.js' own notices such as "Running next.config took …",
 * a library's warning) becomes a JSON line of the logger too, so `npm start`'s output is JSON lines throughout
 * (docs/operations.md). Colours are stripped; the text is what the console would have shown.
 */
function routeConsoleToLogger(logger: Logger): void {
  const levels = { log: "info", info: "info", warn: "warn", error: "error", debug: "debug" } as const;
  for (const [method, level] of Object.entries(levels) as [
    keyof typeof levels,
    (typeof levels)[keyof typeof levels],
  ][]) {
    console[method] = (...args: unknown[]) => {
      const text = format(...args)
        .replace(/\u001b\[[0-9;]*m/g, "")
        .trim();
      if (text) logger[level](text);
    };
  }
}

/** The app's route patterns as the build listed them (`/admin/sessions/[id]`, `/api/chats/[[...path]]` …). */
function appRoutes(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(path.join(".next", "app-path-routes-manifest.json"), "utf8")) as Record<
      string,
      string
    >;
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  // A production server, before anything reads the environment: the logger (JSON lines, never pino-pretty),
  // src/env.ts and the .env files chosen below all see NODE_ENV=production, as under `next start`.
  Object.assign(process.env, { NODE_ENV: "production" });
  // The same .env files Next.js reads, so the migrator and the server agree on DATABASE_URL.
  loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
  // The server's own environment check, now: a bad value exits here with its message, before anything listens
  // (Next.js would log it after "Ready" and answer 500 to every request).
  await import("../src/env");
  // The JSON logger and the metrics (LOG_LEVEL, METRICS_TOKEN): loaded after the environment check.
  const { logger, logError } = await import("../src/server/observability/logger");
  routeConsoleToLogger(logger);
  const { metrics, routeOf, routeLabel, registerRoutes } =
    await import("../src/server/observability/metrics");
  // (Also reads the environment: imported only now.) Replies being written, for a graceful stop.
  const { inflightReplies } = await import("../src/server/chat/messages/active-runs");
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const trusted = parseTrustedProxies(process.env.TRUSTED_PROXIES);
  const port = Number(option("-p", "--port") ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT: ${port} is not a port`);
  const hostname = option("-H", "--hostname") ?? process.env.HOSTNAME ?? undefined;

  // dbmate's report as one JSON line, like everything npm start logs.
  const applied = migrate(databaseUrl, { quiet: true });
  if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");

  // --no-build: the test harnesses (testing/next-server.ts, e2e/start-app.ts) build once themselves, and several
  // test servers must not rebuild at the same time.
  const build: BuildState = process.argv.includes("--no-build")
    ? { kind: "fresh" }
    : buildState(process.cwd());
  if (build.kind !== "fresh") {
    logger.info(
      build.kind === "missing"
        ? "No production build yet: running next build (about a minute)…"
        : `The sources changed since the last build (${build.changed}): running next build (about a minute)…`,
    );
    const built = spawnSync(path.join("node_modules", ".bin", "next"), ["build"], { stdio: "inherit" });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }

  markClientHeaderTrusted();
  // The configuration the build resolved, as Next.js' own standalone server (`output: "standalone"`, server.js)
  // passes it: next.config.ts is not compiled again at start, which loaded SWC's native compilers and the
  // next-intl plugin (≈ 40 MB resident) into the server for good.
  const { config } = JSON.parse(
    readFileSync(path.join(process.cwd(), ".next", "required-server-files.json"), "utf8"),
  ) as { config: NextConfig };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: process.cwd(), hostname, port, conf: config });
  const handle = app.getRequestHandler();
  await app.prepare();
  // The routes served here on Node.js' own request and response (the event streams: src/server/rest/node-routes.ts),
  // with Next.js' compression as Next.js applies it.
  const { default: compression } = await import("next/dist/compiled/compression/index.js");
  const compress = config.compress === false ? undefined : compression();
  // The metric labels' route table: Next.js's own table of the app's pages and route files (the REST bridge
  // adds its paths when it loads).
  registerRoutes(Object.values(appRoutes()));

  const server = createServer((request, response) => {
    const started = process.hrtime.bigint();
    const requestId = stampRequestId(request, response, trusted);
    // One line per request, once its response ended (or its client left): the route with ids replaced, never
    // the query string, headers or body (src/server/observability/logger.ts says why).
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = SERVED_METHODS.includes(request.method ?? "") ? request.method! : "OTHER";
      const status = response.writableFinished ? response.statusCode : 499;
      const labels = { method, route: routeLabel(request.url), status: String(status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      logger.info(
        {
          requestId,
          method,
          route: routeOf(request.url),
          status,
          durationMs: Math.round(seconds * 10_000) / 10,
        },
        "request",
      );
    };
    response.once("finish", done);
    response.once("close", done);
    if (!SERVED_METHODS.includes(request.method ?? "")) return refuseMethod(response);
    if (isMalformedPath(request.url))
      return void refuseMalformedPath(response, malformedPathAnswer(request.url ?? "/"));
    // Next.js's own error pages (`/_global-error`, `/_not-found`) are in its route table but are not pages to
    // ask for: requested directly, the global error page answers a 500. They are unknown paths here (404).
    if (/^\/_(?!next\/)[^/?]*/.test(request.url ?? "")) {
      response.writeHead(404, { ...BASE_HEADERS, "content-type": "text/plain; charset=utf-8" });
      response.end("Not found.");
      return;
    }
    stampClient(request, trusted);
    const direct = nodeRouteFor(request.method, request.url);
    (direct ? serveOnNode(direct, request, response, compress) : handle(request, response)).catch(
      (error: unknown) => {
        logError("request failed", error, { requestId });
        if (!response.headersSent) response.statusCode = 500;
        response.end();
      },
    );
  });
  // Idle keep-alive connections outlive a load balancer's (nginx, ALB: 60 s), so the server never closes a
  // connection at the moment a client or proxy reuses it (a "socket hang up" on a POST that cannot be retried).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, resolve);
  });
  const shown = hostname && hostname !== "0.0.0.0" && hostname !== "::" ? hostname : "localhost";
  logger.info(
    `Visitor Chat ready on http://${shown.includes(":") ? `[${shown}]` : shown}:${port}` +
      (trusted.kind === "none"
        ? " (client addresses: the connection's; set TRUSTED_PROXIES behind a reverse proxy)"
        : ` (trusting X-Forwarded-For from ${trusted.kind === "hops" ? `${trusted.count} proxy hop(s)` : trusted.ranges.join(", ")})`),
  );

  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      // Stop accepting requests and let the ones in flight finish, then let Next.js finish `after()` work.
      server.close(() => {
        clearInterval(closingIdle);
        app
          .close()
          .catch((error: unknown) => logError("stopping Next.js failed", error))
          .finally(() => process.exit(0));
      });
      // A keep-alive connection whose request ends now would otherwise stay open for keepAliveTimeout (65 s).
      server.closeIdleConnections();
      const closingIdle = setInterval(() => server.closeIdleConnections(), 250);
      // Replies being written run on after their client left; once they are stored, connections still open (a
      // client that stopped reading a stream without closing it) are closed so the server can stop.
      void Promise.allSettled(inflightReplies()).then(() => server.closeAllConnections());
    });
  }
}

main().catch(fail);
