import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { commitChange, commitInTransaction } from "../../chat/events/commit-change";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../../chat/ids";
import { API_KEY_SCOPES, type ApiKeyScope } from "~/shared/roles";
import { revokePrincipal } from "../auth/revocation";
import type { ApiKeyDto, CreateApiKeyInput, CreatedApiKeyDto, RevokeApiKeyInput } from "./api-keys.schema";

/** Managed keys look like `vcak_<43 base64url chars>`: the prefix makes a leaked key easy to recognise. */
const KEY_PREFIX = "vcak_";
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 6;
/** last_used_at is written at most this often per key, so a busy integration does not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The stored form of a key. Keys are 256 random bits, so a fast hash is enough (no salt or slow KDF needed: there
 * is nothing to brute-force), and it lets a presented key be found by an indexed lookup.
 */
function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by: { email: string } | null;
  scope: string;
  agent_name: string | null;
}

/** A stored scope (admin for keys older than scopes). */
function scopeOf(value: string): ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value) ? (value as ApiKeyScope) : "admin";
}

/** Scopes nest (read ⊂ agent ⊂ admin): a key holds the widest it was given. */
function widestScope(scopes: readonly ApiKeyScope[]): ApiKeyScope {
  return API_KEY_SCOPES.find((scope) => scopes.includes(scope)) ?? "admin";
}

function toApiKeyDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    created_by: row.created_by?.email ?? null,
    scopes: [scopeOf(row.scope)],
    agent_name: row.agent_name,
  };
}

const withCreator = { created_by: { select: { email: true } } } as const;

/** A new key for its creator, audited (api_key.created: its name and prefix, never the key) with `by`. */
export async function createApiKey(
  deps: ChatDeps,
  input: CreateApiKeyInput,
  createdById: string,
  by: AuditBy,
): Promise<CreatedApiKeyDto> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const id = randomUUID();
  const prefix = key.slice(0, SHOWN_PREFIX_LENGTH);
  const scope = widestScope(input.scopes ?? ["admin"]);
  const [row] = await commitChange(deps, {
    writes: [
      deps.db.apiKey.create({
        data: {
          id,
          name: input.name,
          prefix,
          key_hash: hashApiKey(key),
          created_by_id: createdById,
          scope,
          agent_name: input.agent_name ?? null,
        },
        include: withCreator,
      }),
    ],
    audit: {
      ...by,
      action: "api_key.created",
      object: { type: "api_key", id },
      detail: { name: input.name, prefix, scope },
    },
  });
  return { id, api_key: toApiKeyDto(row), key };
}

/** Every key, newest first, revoked ones included (so their last use stays visible). */
export async function listApiKeys(deps: ChatDeps): Promise<{ items: ApiKeyDto[] }> {
  const rows = await deps.db.apiKey.findMany({
    orderBy: [{ created_at: "desc" }, { id: "desc" }],
    include: withCreator,
  });
  return { items: rows.map(toApiKeyDto) };
}

/**
 * Revokes a key for good, audited (api_key.revoked) with `by`, and ends its open streams on every instance
 * (revokePrincipal); revoking a revoked key changes (and records) nothing.
 */
export async function revokeApiKey(
  deps: ChatDeps,
  input: RevokeApiKeyInput,
  by: AuditBy,
): Promise<ApiKeyDto> {
  if (!isUuid(input.id)) throw new AppError("API_KEY_NOT_FOUND");
  const row = await commitInTransaction(deps, async (tx) => {
    const existing = await tx.apiKey.findUnique({ where: { id: input.id }, include: withCreator });
    if (!existing) throw new AppError("API_KEY_NOT_FOUND");
    if (existing.revoked_at) return { result: existing };
    const revoked = await tx.apiKey.update({
      where: { id: existing.id },
      data: { revoked_at: new Date() },
      include: withCreator,
    });
    return {
      result: revoked,
      audit: {
        ...by,
        action: "api_key.revoked",
        object: { type: "api_key", id: revoked.id },
        detail: { name: revoked.name },
      },
    };
  });
  await revokePrincipal(deps, { kind: "api_key", id: row.id });
  return toApiKeyDto(row);
}

/** The active key matching a presented bearer key, recording its use; null for unknown or revoked keys. */
export async function verifyApiKey(
  deps: ChatDeps,
  presented: string,
): Promise<{ id: string; name: string; scope: ApiKeyScope; agentName: string | null } | "revoked" | null> {
  if (!presented.startsWith(KEY_PREFIX)) return null;
  const row = await deps.db.apiKey.findUnique({ where: { key_hash: hashApiKey(presented) } });
  if (!row) return null;
  // A key that worked and was revoked is told apart (its 401 says so), rather than looking like a typo.
  if (row.revoked_at) return "revoked";
  const now = new Date();
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
    await deps.db.apiKey.update({ where: { id: row.id }, data: { last_used_at: now } });
  }
  return { id: row.id, name: row.name, scope: scopeOf(row.scope), agentName: row.agent_name };
}
