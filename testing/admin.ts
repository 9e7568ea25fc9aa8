import type { ChatDeps } from "~/server/chat/deps";
import { createOrResetAdminUser } from "~/server/admin/auth/admin-users.service";
import { adminAuthFor } from "~/server/admin/auth/auth";

export const TEST_ADMIN = { email: "support@example.com", password: "correct horse battery staple" };

/** Creates (or resets) the test admin in this database. */
export async function ensureTestAdmin(deps: Pick<ChatDeps, "db" | "dialect">): Promise<string> {
  return (await createOrResetAdminUser(deps, TEST_ADMIN)).userId;
}

/** The `name=value` of the session cookie in a Set-Cookie header list. */
export function sessionCookieOf(response: Response): string {
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0] ?? "")
    .find((pair) => pair.includes("session_token="));
  if (!cookie) throw new Error(`no session cookie (status ${response.status})`);
  return cookie;
}

/** Signs in through Better Auth's own handler, as the sign-in page does, and returns the Cookie header value. */
export async function signInInProcess(
  deps: Pick<ChatDeps, "db" | "dialect">,
  credentials: { email: string; password: string } = TEST_ADMIN,
  /** The client address the rate limiter counts attempts by (a documentation-range address). */
  clientIp = "198.51.100.1",
  origin = "http://admin.test",
): Promise<{ response: Response; cookie: string | null }> {
  const response = await adminAuthFor(deps).handler(
    new Request(`${origin}/api/auth/sign-in/email`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin,
        host: new URL(origin).host,
        "x-forwarded-for": clientIp,
      },
      body: JSON.stringify(credentials),
    }),
  );
  return { response, cookie: response.ok ? sessionCookieOf(response) : null };
}

/** Signs out through Better Auth's handler (the session row is deleted). */
export async function signOutInProcess(
  deps: Pick<ChatDeps, "db" | "dialect">,
  cookie: string,
  origin = "http://admin.test",
): Promise<Response> {
  return adminAuthFor(deps).handler(
    new Request(`${origin}/api/auth/sign-out`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, host: new URL(origin).host, cookie },
      body: "{}",
    }),
  );
}
