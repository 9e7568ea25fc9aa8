import { timingSafeEqual } from "node:crypto";
import { env } from "~/env";
import { AppError } from "../../errors/app-error";
import type { AuditActor, AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import type { AdminRole, ApiKeyScope } from "~/shared/roles";
import { verifyApiKey } from "../api-keys/api-keys.service";
import { mayAccess, type AccessLevel, type Grant } from "./roles";

/** Who is calling an admin page or endpoint. */
export type AdminPrincipal =
  | { kind: "session"; userId: string; email: string; name: string; role: AdminRole }
  | {
      kind: "api_key";
      apiKeyId: string;
      name: string;
      scope: ApiKeyScope;
      /** The agent the key acts as (claims, replies), if set on the key. */
      agentName: string | null;
    }
  | { kind: "bootstrap_key" };

/** What a caller holds, for the one rule of roles (roles.ts). */
export function grantOf(principal: AdminPrincipal): Grant {
  if (principal.kind === "session") return { role: principal.role };
  if (principal.kind === "api_key") return { scope: principal.scope };
  return { scope: "admin" };
}

/** What a call needs: the route's level and whether it changes something. */
export interface AccessNeed {
  level: AccessLevel;
  write: boolean;
}

/** The name the bootstrap ADMIN_API_KEY is recorded under in the audit log. */
export const BOOTSTRAP_KEY_NAME = "ADMIN_API_KEY";

/** The audit log's actor of an admin call (adminProcedure's `ctx.principal`, or requireAdmin's answer). */
export function auditActorOf(principal: AdminPrincipal): AuditActor {
  if (principal.kind === "session")
    return { kind: "admin_user", id: principal.userId, name: principal.email };
  if (principal.kind === "api_key") return { kind: "api_key", id: principal.apiKeyId, name: principal.name };
  return { kind: "api_key", id: null, name: BOOTSTRAP_KEY_NAME };
}

/**
 * Who makes an admin change and from where, for the service that audits it in the change's transaction: in a
 * procedure `auditByOf(ctx.principal, ctx.ip)`, in a route handler `auditByOf(principal, clientIp(headers))`.
 */
export function auditByOf(principal: AdminPrincipal, clientAddress: string | undefined): AuditBy {
  return { actor: auditActorOf(principal), ...(clientAddress !== undefined && { clientAddress }) };
}

/** Constant-time comparison, so response timing does not reveal how much of a guessed key was right. */
function isBootstrapKey(presented: string): boolean {
  const expected = env.ADMIN_API_KEY;
  if (!expected) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerTokenOf(headers: Headers): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "")?.[1]?.trim() || undefined;
}

/**
 * The one admin access check, used by adminProcedure (tRPC and REST), the export file routes and the admin pages.
 * A request with `Authorization: Bearer …` is judged by that key alone (the bootstrap ADMIN_API_KEY or an active
 * managed key); otherwise by its Better Auth session cookie. Null: not allowed.
 */
export async function authenticateAdmin(deps: ChatDeps, headers: Headers): Promise<AdminPrincipal | null> {
  const judged = await judgeAdmin(deps, headers);
  return judged === "revoked" ? null : judged;
}

/**
 * authenticateAdmin for the API, with the caller's role or key scope judged against what the call needs: the
 * refusal as an error (UNAUTHORIZED, API_KEY_REVOKED for a revoked key, ADMIN_ONLY for a role or scope that does
 * not reach the route).
 */
export async function requireAdmin(
  deps: ChatDeps,
  headers: Headers,
  need: AccessNeed,
): Promise<AdminPrincipal> {
  const judged = await judgeAdmin(deps, headers);
  if (judged === "revoked") throw new AppError("API_KEY_REVOKED");
  if (!judged) throw new AppError("UNAUTHORIZED");
  if (!mayAccess(grantOf(judged), need.level, need.write)) throw new AppError("ADMIN_ONLY");
  return judged;
}

async function judgeAdmin(deps: ChatDeps, headers: Headers): Promise<AdminPrincipal | "revoked" | null> {
  const bearer = bearerTokenOf(headers);
  if (bearer !== undefined) {
    if (isBootstrapKey(bearer)) return { kind: "bootstrap_key" };
    const apiKey = await verifyApiKey(deps, bearer);
    return apiKey === "revoked"
      ? "revoked"
      : apiKey
        ? {
            kind: "api_key",
            apiKeyId: apiKey.id,
            name: apiKey.name,
            scope: apiKey.scope,
            agentName: apiKey.agentName,
          }
        : null;
  }
  if (!headers.get("cookie")) return null;
  // Better Auth (≈ 40 MB) is loaded by the first request with a cookie, not by every tRPC or REST route.
  const { adminAuthFor } = await import("./auth");
  const session = await adminAuthFor(deps).api.getSession({ headers });
  // A disabled user's sessions are deleted when they are disabled (disableUser); this holds if one slipped by.
  if (!session || session.user.disabledAt) return null;
  return {
    kind: "session",
    userId: session.user.id,
    email: session.user.email,
    name: session.user.name,
    role: session.user.role === "agent" ? "agent" : "admin",
  };
}
