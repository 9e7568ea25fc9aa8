import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { env } from "~/env";
import type { ChatDeps } from "../../chat/deps";
import { getChatDeps } from "../../runtime/runtime";
import { errorMessage } from "../../errors/app-error";
import { resolveAuthSecret } from "./auth-secret";
import { consumeSignInAttempt, SIGN_IN_ACCOUNT_LIMIT } from "./sign-in-throttle";

/**
 * Sign-in attempts allowed per client address in each window (Better Auth's limiter; without an address, one
 * shared bucket). Per-account limits are in sign-in-throttle.ts.
 */
const SIGN_IN_RATE_LIMIT = { window: 60, max: 5 } as const;
const ADMIN_SESSION_DAYS = 7;

function originsOfHost(host: string | null | undefined): string[] {
  return host && /^[\w.\-[\]:]+$/.test(host) ? [`http://${host}`, `https://${host}`] : [];
}

/**
 * Admin sign-in with Better Auth: email + password (its scrypt hashing), sessions in the database (so signing out
 * or deleting a user ends a session at once), httpOnly SameSite=Lax cookies, no public sign-up (admins are created
 * with `npm run admin:create`), and its rate limiter on sign-in, stored in the database so it holds across
 * instances and restarts, plus a per-account limit (sign-in-throttle.ts) that a forged client address cannot dodge.
 */
function createAdminAuth(deps: Pick<ChatDeps, "db" | "dialect">) {
  return betterAuth({
    appName: "Visitor Chat admin",
    secret: resolveAuthSecret(),
    baseURL: env.BETTER_AUTH_URL,
    basePath: "/api/auth",
    // Better Auth refuses cookie-carrying POSTs whose Origin is not trusted (CSRF). With no configured URL, the
    // page's own host is the trusted origin: Next gives route handlers a rewritten request URL (localhost), so
    // the Host header a browser sent is what names this site.
    trustedOrigins: env.BETTER_AUTH_URL ? [] : (request) => originsOfHost(request?.headers.get("host")),
    database: prismaAdapter(deps.db, { provider: deps.dialect }),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 12, maxPasswordLength: 256 },
    user: { modelName: "adminUser" },
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
      customRules: { "/sign-in/*": SIGN_IN_RATE_LIMIT },
    },
    advanced: {
      cookiePrefix: "visitor-chat-admin",
      // Secure cookies need HTTPS: on when the configured public URL is https (the zero-config start is http).
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
        if (!(await consumeSignInAttempt(deps.db, email)))
          throw new APIError("TOO_MANY_REQUESTS", {
            message: errorMessage("TOO_MANY_ATTEMPTS", {
              windowMinutes: SIGN_IN_ACCOUNT_LIMIT.windowMinutes,
            }),
            code: "TOO_MANY_ATTEMPTS",
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

/** The instance on the chat runtime's database (route handlers). */
export async function getAdminAuth(): Promise<AdminAuth> {
  return adminAuthFor(await getChatDeps());
}
