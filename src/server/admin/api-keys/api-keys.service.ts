import { createHash, randomBytes } from "node:crypto";
import type { ChatDeps } from "../../chat/deps";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../../chat/ids";
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
  };
}

const withCreator = { created_by: { select: { email: true } } } as const;

export async function createApiKey(
  deps: ChatDeps,
  input: CreateApiKeyInput,
  createdById: string,
): Promise<CreatedApiKeyDto> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const row = await deps.db.apiKey.create({
    data: {
      name: input.name,
      prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
      key_hash: hashApiKey(key),
      created_by_id: createdById,
    },
    include: withCreator,
  });
  return { api_key: toApiKeyDto(row), key };
}

/** Every key, newest first, revoked ones included (so their last use stays visible). */
export async function listApiKeys(deps: ChatDeps): Promise<{ items: ApiKeyDto[] }> {
  const rows = await deps.db.apiKey.findMany({
    orderBy: [{ created_at: "desc" }, { id: "desc" }],
    include: withCreator,
  });
  return { items: rows.map(toApiKeyDto) };
}

/** Revokes a key for good; revoking a revoked key changes nothing. */
export async function revokeApiKey(deps: ChatDeps, input: RevokeApiKeyInput): Promise<ApiKeyDto> {
  if (!isUuid(input.id)) throw new AppError("API_KEY_NOT_FOUND");
  const existing = await deps.db.apiKey.findUnique({ where: { id: input.id } });
  if (!existing) throw new AppError("API_KEY_NOT_FOUND");
  const row = await deps.db.apiKey.update({
    where: { id: input.id },
    data: { revoked_at: existing.revoked_at ?? new Date() },
    include: withCreator,
  });
  return toApiKeyDto(row);
}

/** The active key matching a presented bearer key, recording its use; null for unknown or revoked keys. */
export async function verifyApiKey(
  deps: ChatDeps,
  presented: string,
): Promise<{ id: string; name: string } | "revoked" | null> {
  if (!presented.startsWith(KEY_PREFIX)) return null;
  const row = await deps.db.apiKey.findUnique({ where: { key_hash: hashApiKey(presented) } });
  if (!row) return null;
  // A key that worked and was revoked is told apart (its 401 says so), rather than looking like a typo.
  if (row.revoked_at) return "revoked";
  const now = new Date();
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
    await deps.db.apiKey.update({ where: { id: row.id }, data: { last_used_at: now } });
  }
  return { id: row.id, name: row.name };
}
