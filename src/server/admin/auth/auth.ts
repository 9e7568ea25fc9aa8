import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { errorMessage } from "../../errors/app-error";
import { env } from "~/env";
import {
  CLIENT_ADDRESS_HEADER,
  clientHeaderTrusted,
  clientIp,
  clientProto,
} from "../../protection/client-address";
import type { ChatDeps } from "../../chat/deps";
import { getChatDeps } from "../../runtime/runtime";
import type { AuditRecord } from "../../chat/audit/audit-record";
import { commitChange } from "../../chat/events/commit-change";
import { resolveAuthSecret } from "./auth-secret";
import { enforceSignInLimits } from "./sign-in-throttle";
import { errorFields, logger, redactSecrets } from "../../observability/logger";
import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from "~/shared/limits";

const ADMIN_SESSION_DAYS = 7;

function originsOfHost(host: string | null | undefined): string[] {
  return host && /^[\w.\-[\]:]+$/.test(host) ? [`http://${host}`, `https://${host}`] : [];
}

/**
 * A sign-in's audit entry (sign_in.succeeded / sign_in.failed). Better Auth stores the session itself, so the
 * entry is a change of its own: no row of ours changes with it.
 */
async function recordSignIn(deps: Pick<ChatDeps, "db">, record: AuditRecord): Promise<void> {
  await commitChange(deps, { writes: [], audit: record });
}

/**
 * Admin sign-in with Better Auth: email + password (its scrypt hashing), sessions in the database (so signing out
 * or deleting a user ends a session at once), httpOnly SameSite=Lax cookies, no public sign-up (admins are created
 * with `npm run admin:create` or invited), and sign-in limits per account and address over sliding windows plus a
 * total (sign-in-throttle.ts). Every limit counts by the trusted client address (protection/client-address.ts),
 * never by a client-sent X-Forwarded-For.
 */
function logAuthMessage(
  level: "debug" | "info" | "success" | "warn" | "error",
  message: string,
  ...args: unknown[]
) {
  if (!env.BETTER_AUTH_URL && message.includes("Base URL is not set")) return;
  // Only errors among the arguments are logged (their safe fields): other arguments can be request data.
  const errors = args.filter((arg) => arg instanceof Error).map((error) => errorFields(error));
  const fields = { source: "better-auth", ...(errors.length > 0 && { errors }) };
  const pinoLevel = level === "success" ? "info" : level;
  logger[pinoLevel](fields, redactSecrets(message));
}

function createAdminAuth(deps: Pick<ChatDeps, "db" | "dialect">) {
  return betterAuth({
    appName: "Visitor Chat admin",
    secret: resolveAuthSecret(),
    baseURL: env.BETTER_AUTH_URL,
    // Without BETTER_AUTH_URL the origin comes from each request, on purpose (zero-config start; trustedOrigins
    // below pins it to the Host): Better Auth's "Base URL is not set" warning on every start-up and sign-in is
    // noise then, and only that one is dropped.
    logger: { log: logAuthMessage },
    basePath: "/api/auth",
    // Better Auth refuses cookie-carrying POSTs whose Origin is not trusted (CSRF). With no configured URL, the
    // page's own host is the trusted origin: Next gives route handlers a rewritten request URL (localhost), so
    // the Host header a browser sent is what names this site.
    trustedOrigins: env.BETTER_AUTH_URL ? [] : (request) => originsOfHost(request?.headers.get("host")),
    database: prismaAdapter(deps.db, { provider: deps.dialect }),
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: PASSWORD_MIN_CHARS,
      maxPasswordLength: PASSWORD_MAX_CHARS,
    },
    user: {
      modelName: "adminUser",
      // Read with every session (the role decides what the user may do: roles.ts); set only by our services.
      additionalFields: {
        role: { type: "string", required: false, defaultValue: "admin", input: false },
        disabledAt: { type: "date", required: false, input: false },
      },
    },
    // A disabled user's password still checks out, but no session is made for them (403 ACCOUNT_DISABLED).
    databaseHooks: {
      session: {
        create: {
          before: async (session) => {
            const user = await deps.db.adminUser.findUnique({
              where: { id: session.userId },
              select: { disabledAt: true },
            });
            if (user?.disabledAt)
              throw new APIError("FORBIDDEN", {
                message: errorMessage("USER_DISABLED"),
                code: "USER_DISABLED",
              });
          },
        },
      },
    },
    session: {
      modelName: "adminSession",
      expiresIn: ADMIN_SESSION_DAYS * 24 * 60 * 60,
      updateAge: 24 * 60 * 60,
    },
    account: { modelName: "adminAccount" },
    verification: { modelName: "adminVerification" },
    rateLimit: {
      enabled: true,
      storage: "database",
      modelName: "adminRateLimit",
      window: 60,
      max: 100,
      // Sign-in is limited per account and address over sliding windows instead (sign-in-throttle.ts): Better
      // Auth's per-address window would make colleagues at one office address block each other.
      customRules: { "/sign-in/*": false },
    },
    advanced: {
      // The address `npm start` resolved from the socket (or a trusted proxy's X-Forwarded-For); without that
      // server (next dev, in-process tests) Better Auth's default, X-Forwarded-For.
      ipAddress: clientHeaderTrusted() ? { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } : undefined,
      cookiePrefix: "visitor-chat-admin",
      // Secure cookies need HTTPS: on when the configured public URL is https (the zero-config start is http);
      // otherwise added per response when a trusted proxy says the request came over https (handleAuthRequest).
      useSecureCookies: env.BETTER_AUTH_URL?.startsWith("https://") ?? false,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
      // Better Auth skips its Origin (CSRF) check under NODE_ENV=test; keep it on everywhere so tests see the truth.
      disableOriginCheck: false,
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const email: unknown = (ctx.body as { email?: unknown } | undefined)?.email;
        if (typeof email !== "string" || email.trim() === "") return;
        await enforceSignInLimits(deps, ctx.request?.headers ?? ctx.headers ?? new Headers(), email);
      }),
      // Every password check, successful or not, goes to the audit log (attempts refused by the rate limits
      // before the check are not: they are bounded by those limits and say nothing new).
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const headers = ctx.request?.headers ?? ctx.headers ?? new Headers();
        const clientAddress = clientIp(headers);
        const signedIn = ctx.context.newSession;
        if (signedIn) {
          await recordSignIn(deps, {
            actor: { kind: "admin_user", id: signedIn.user.id, name: signedIn.user.email },
            action: "sign_in.succeeded",
            object: { type: "admin_user", id: signedIn.user.id },
            clientAddress,
          });
          return;
        }
        const returned: unknown = ctx.context.returned;
        if (!isAPIError(returned)) return;
        const rawEmail: unknown = (ctx.body as { email?: unknown } | undefined)?.email;
        const email = typeof rawEmail === "string" ? rawEmail.trim().toLowerCase().slice(0, 320) : "";
        const user = email
          ? await deps.db.adminUser.findUnique({ where: { email }, select: { id: true } })
          : null;
        await recordSignIn(deps, {
          actor: { kind: "admin_user", id: user?.id ?? null, name: email || "(no email)" },
          action: "sign_in.failed",
          ...(user && { object: { type: "admin_user", id: user.id } }),
          detail: { status: returned.statusCode, known_account: user !== null },
          clientAddress,
        });
      }),
    },
    telemetry: { enabled: false },
  });
}

type AdminAuth = ReturnType<typeof createAdminAuth>;

/** One instance per database client (the runtime's, or a test's), built on first use. */
const instances = new WeakMap<object, AdminAuth>();

export function adminAuthFor(deps: Pick<ChatDeps, "db" | "dialect">): AdminAuth {
  let auth = instances.get(deps.db);
  if (!auth) {
    auth = createAdminAuth(deps);
    instances.set(deps.db, auth);
  }
  return auth;
}

/**
 * Better Auth's endpoints, with `Secure` added to the cookies it sets when the request reached a trusted proxy
 * over https (X-Forwarded-Proto, vouched for by TRUSTED_PROXIES), even without an https BETTER_AUTH_URL.
 */
export async function handleAuthRequest(request: Request): Promise<Response> {
  const response = await (await getAdminAuth()).handler(request);
  const cookies = response.headers.getSetCookie();
  if (clientProto(request.headers) !== "https" || cookies.length === 0) return response;
  const headers = new Headers(response.headers);
  headers.delete("set-cookie");
  for (const cookie of cookies)
    headers.append("set-cookie", /;\s*secure\b/i.test(cookie) ? cookie : `${cookie}; Secure`);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The instance on the chat runtime's database (route handlers). */
export async function getAdminAuth(): Promise<AdminAuth> {
  return adminAuthFor(await getChatDeps());
}
