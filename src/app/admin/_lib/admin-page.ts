import "server-only";
import { TRPCError } from "@trpc/server";
import { forbidden, notFound, redirect } from "next/navigation";
import { cache } from "react";
import { ZodError } from "zod";
import { authenticateAdmin, grantOf, type AdminPrincipal } from "~/server/admin/auth/admin-access";
import { mayAccess, type AccessLevel } from "~/server/admin/auth/roles";
import { validationMessage } from "~/server/errors/app-error";
import { serverCaller, serverContext } from "~/trpc/server";

type SessionPrincipal = Extract<AdminPrincipal, { kind: "session" }>;

const SIGN_IN_PATH = "/admin/sign-in";

/** Only same-site admin paths are followed after sign-in (never an absolute URL: no open redirect). */
export function safeNextPath(next: string | undefined): string {
  return next && /^\/admin(\/[\w\-/]*)?(\?[^\s]*)?$/.test(next) && !next.startsWith(SIGN_IN_PATH)
    ? next
    : "/admin";
}

/** The signed-in admin of this request, or null (cached for the request: layout and page share it). */
export const currentAdmin = cache(async (): Promise<SessionPrincipal | null> => {
  const context = await serverContext();
  const principal = await authenticateAdmin(await context.getDeps(), context.headers);
  return principal?.kind === "session" ? principal : null;
});

/** Whether the signed-in user may see what needs `level` (links, buttons): the one rule of roles (roles.ts). */
export function canSee(admin: SessionPrincipal, level: AccessLevel): boolean {
  return mayAccess(grantOf(admin), level, true);
}

/**
 * Every admin page starts with this: no signed-in user (never signed in, signed out, session expired or deleted,
 * user disabled) → the sign-in page, coming back to `path` after; a user whose role does not reach the page's
 * `access` (an agent on an admin page) → 403. Pages are for people, so bearer keys do not open them. Returns the
 * request's server-side tRPC caller (src/trpc/server.ts), so pages read data through the same admin procedures as
 * the API (which check the role again).
 */
export async function adminPage(path: string, access: AccessLevel = "admin") {
  const admin = await currentAdmin();
  if (!admin) redirect(`${SIGN_IN_PATH}?next=${encodeURIComponent(path)}`);
  if (!canSee(admin, access)) forbidden();
  return { admin, caller: await serverCaller() };
}

/** Awaits a lookup, showing the 404 page for an unknown (or malformed) id. */
export async function orNotFound<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

/** Awaits a list query; invalid filters in the URL (BAD_REQUEST) become a message on the page, not an error page. */
export async function orInvalidFilter<T>(query: Promise<T>): Promise<{ data: T } | { error: string }> {
  try {
    return { data: await query };
  } catch (error) {
    if (error instanceof TRPCError && error.code === "BAD_REQUEST")
      // A server-side caller's error is not formatted for HTTP: word validation failures the same way here.
      return { error: error.cause instanceof ZodError ? validationMessage(error.cause) : error.message };
    throw error;
  }
}

/** One value of a search parameter (the first, if repeated); empty means absent. */
export function param(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === "" ? undefined : first;
}
