/**
 * The server's one logger: JSON lines on stdout (pino), level from LOG_LEVEL, human-readable in development when
 * pino-pretty is installed (a dev dependency; production installs without it log JSON).
 *
 * What is never logged: message text, metadata values, API keys, cookies, Authorization headers, database
 * passwords. Nothing here logs a request's headers or body; request lines carry the route with ids replaced
 * (a visitor id is the visitor's credential) and no query string. Errors go through `errorFields`, which keeps
 * an error's type and code and its message with URLs' passwords masked; a Prisma error's message is cut to its
 * last line, because Prisma prints the call's arguments (a message's text) above it.
 *
 * Kept on globalThis: Next.js bundles each route separately, and scripts/start.ts loads this module too.
 */
import pino, { type DestinationStream, type Logger } from "pino";
import { env } from "../../env";
import { appRequire } from "../app-require";

const KEY = Symbol.for("visitor-chat.logger");

/** Keys masked wherever they appear in a logged object (a second line of defence: nothing logs them on purpose). */
const REDACTED_KEYS = [
  "authorization",
  "cookie",
  "set-cookie",
  "password",
  "apiKey",
  "api_key",
  "token",
  "content",
  "metadata",
];

function prettyStream(): DestinationStream | undefined {
  if (env.NODE_ENV !== "development") return undefined;
  try {
    // Resolved at run time from the project's node_modules (never bundled, never downloaded).
    const pretty = appRequire()("pino-pretty") as (options: object) => DestinationStream;
    return pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
  } catch {
    return undefined;
  }
}

function createLogger(): Logger {
  return pino(
    {
      level: env.LOG_LEVEL,
      base: { service: "visitor-chat" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((key) => `*.${key}`)],
        censor: "[redacted]",
      },
    },
    prettyStream(),
  );
}

const store = globalThis as typeof globalThis & { [KEY]?: Logger };
export const logger: Logger = (store[KEY] ??= createLogger());

/** Masks the password of any URL (`scheme://user:password@`) and `password=` parameters in a text. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]*@/gi, "$1:***@")
    .replace(/([?&;\s](?:password|pass|pwd|sslpassword)=)[^&\s]*/gi, "$1***")
    .replace(/\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, "$1***");
}

/** What is logged of an error: its type, code and message (secrets masked), never the objects it carries. */
export function errorFields(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redactSecrets(String(error)).slice(0, 500) };
  const prisma = error.name.startsWith("PrismaClient") || error.constructor.name.startsWith("PrismaClient");
  const lines = error.message.split("\n").filter((line) => line.trim() !== "");
  const message = prisma ? (lines.at(-1) ?? "") : error.message;
  const code = (error as { code?: unknown }).code;
  const fields: Record<string, unknown> = {
    type: error.name,
    message: redactSecrets(message).slice(0, 1000),
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
  };
  // The stack's first line repeats the message; for a Prisma error it would carry the arguments.
  if (!prisma && error.stack) fields.stack = redactSecrets(error.stack.split("\n").slice(1, 12).join("\n"));
  if (error.cause !== undefined && depth < 2) fields.cause = errorFields(error.cause, depth + 1);
  return fields;
}

/** Logs an error at `error` level with its safe fields and optional context (ids, never content). */
export function logError(message: string, error: unknown, context: Record<string, unknown> = {}): void {
  logger.error({ ...context, err: errorFields(error) }, message);
}

/** The request id scripts/start.ts put on a request, for log lines written while serving it. */
export function requestIdOf(headers: Headers): string | undefined {
  return headers.get("x-request-id") ?? undefined;
}
