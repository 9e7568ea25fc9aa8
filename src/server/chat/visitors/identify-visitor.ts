import { createHmac, timingSafeEqual } from "node:crypto";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps, IdentityConfig } from "../deps";
import { isUniqueViolation } from "../../db/errors";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../ids";
import { LIMITS } from "../limits";
import type { IdentifiedVisitorDto, IdentifyVisitorInput } from "./visitor.schema";
import { toVisitorDto } from "./visitors.service";
import { forgetWebhookEventsOf } from "../webhooks/webhook-events";

/** The identity settings (IDENTITY_SECRET, IDENTITY_REQUIRED, resolved by the runtime). */
export function identityConfig(deps: Pick<ChatDeps, "config">): IdentityConfig {
  return deps.config.identity;
}

/** user_hash as the site's server computes it: hex HMAC-SHA256 of the user id, keyed with IDENTITY_SECRET. */
export function userHashOf(userId: string, secret: string): string {
  return createHmac("sha256", secret).update(userId, "utf8").digest("hex");
}

/** Whether `presented` is the user id's hash, compared in constant time (the timing reveals nothing of it). */
export function isValidUserHash(userId: string, presented: string, secret: string): boolean {
  const expected = Buffer.from(userHashOf(userId, secret), "hex");
  const given = Buffer.from(presented, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type Metadata = Record<string, Prisma.InputJsonValue>;

/** `base` with `extra`'s fields set, refused when the result is over the metadata limit. */
function mergedMetadata(base: unknown, extra: Metadata): Prisma.InputJsonObject {
  const merged = { ...(base as Metadata), ...extra };
  if (Buffer.byteLength(JSON.stringify(merged), "utf8") > LIMITS.metadataMaxBytes)
    throw new AppError("METADATA_TOO_LARGE", { params: { maxBytes: LIMITS.metadataMaxBytes } });
  return merged;
}

/** An email identify() once kept in metadata (before `visitor.email` was the one field), if any. */
function emailIn(metadata: unknown): string | undefined {
  const value = (metadata as Metadata | null)?.email;
  return typeof value === "string" ? value : undefined;
}

/** Metadata without its old `email` key (moved to `visitor.email` when the visitor is next identified). */
function withoutEmail(metadata: unknown): Metadata {
  const rest = { ...((metadata ?? {}) as Metadata) };
  delete rest.email;
  return rest;
}

/** The email to store: the one given, else one still in metadata when the visitor has none (moved over). */
function movedEmail(visitor: { email: string | null; metadata: unknown }, given: string | undefined) {
  if (given !== undefined) return { email: given };
  const old = emailIn(visitor.metadata);
  return old !== undefined && visitor.email === null ? { email: old } : {};
}

/**
 * identify(): who the visitor is on the site.
 * - With a valid user_hash the visitor becomes the user's visitor: the first visitor to prove a user id is linked
 *   to it; on another device (another anonymous visitor) that visitor's sessions move to the user's visitor, whose
 *   id is answered as the one to use from now on. A visitor already linked to another user is never merged: the
 *   new user gets their own visitor. A wrong hash changes nothing (401).
 * - Without user_hash only metadata is updated (name, metadata, and user_id as `unverified_user_id`), within
 *   the metadata limit, and `email` is the visitor's email; nothing is linked.
 */
export async function identifyVisitor(
  deps: ChatDeps,
  input: IdentifyVisitorInput,
): Promise<IdentifiedVisitorDto> {
  if (!isUuid(input.id)) throw new AppError("VISITOR_NOT_FOUND");
  const extra: Metadata = {
    ...(input.metadata as Metadata | undefined),
    ...(input.name !== undefined && { name: input.name }),
  };
  if (input.user_hash === undefined) {
    const visitor = await deps.db.visitor.findUnique({ where: { id: input.id } });
    if (!visitor) throw new AppError("VISITOR_NOT_FOUND");
    const row = await deps.db.visitor.update({
      where: { id: visitor.id },
      data: {
        metadata: mergedMetadata(withoutEmail(visitor.metadata), {
          ...extra,
          ...(input.user_id !== undefined && { unverified_user_id: input.user_id }),
        }),
        // One email field: the visitor's `email` (the inbox shows it; the visitor may leave it), not metadata.
        ...movedEmail(visitor, input.email),
        last_seen_at: new Date(),
      },
    });
    return { visitor_id: row.id, identified: row.user_id !== null, visitor: toVisitorDto(row) };
  }
  const { secret } = identityConfig(deps);
  if (!secret) throw new AppError("IDENTITY_NOT_CONFIGURED");
  const userId = input.user_id ?? "";
  if (!isValidUserHash(userId, input.user_hash, secret)) throw new AppError("IDENTITY_HASH_INVALID");
  try {
    return await linkToUser(deps, input.id, userId, extra, input.email);
  } catch (error) {
    // Two devices of a new user identified at the same moment: the other one created the link; join it.
    if (!isUniqueViolation(error)) throw error;
    return linkToUser(deps, input.id, userId, extra, input.email);
  }
}

async function linkToUser(
  deps: ChatDeps,
  visitorId: string,
  userId: string,
  extra: Metadata,
  email: string | undefined,
): Promise<IdentifiedVisitorDto> {
  const row = await deps.db.$transaction(async (tx) => {
    const visitor = await tx.visitor.findUnique({ where: { id: visitorId } });
    if (!visitor) throw new AppError("VISITOR_NOT_FOUND");
    const now = new Date();
    const owner = await tx.visitor.findUnique({ where: { user_id: userId } });
    if (owner?.id === visitor.id || (!owner && visitor.user_id === null)) {
      // Already this user's visitor, or the first visitor to prove this user: link it here.
      return tx.visitor.update({
        where: { id: visitor.id },
        data: {
          user_id: userId,
          metadata: mergedMetadata(withoutEmail(visitor.metadata), extra),
          ...movedEmail(visitor, email),
          last_seen_at: now,
        },
      });
    }
    if (!owner) {
      // This browser's visitor belongs to another user (who signed out here): the new user starts their own.
      return tx.visitor.create({
        data: { user_id: userId, metadata: mergedMetadata({}, extra), email: email ?? null },
      });
    }
    // The user's visitor exists (another device): an anonymous visitor's conversations, reply feedback and
    // ratings move to it, and the anonymous visitor itself is gone — nothing of it is left outside the user's
    // visitor (so exporting or erasing the user covers it). Its email is kept if the user has none.
    let mergedEmail: { email?: string } = {};
    if (visitor.user_id === null) {
      const moved = { visitor_id: owner.id };
      await tx.session.updateMany({ where: { visitor_id: visitor.id }, data: moved });
      await tx.messageFeedback.updateMany({ where: { visitor_id: visitor.id }, data: moved });
      await tx.sessionRating.updateMany({ where: { visitor_id: visitor.id }, data: moved });
      const left = visitor.email ?? emailIn(visitor.metadata);
      if (!owner.email && left) mergedEmail = { email: left };
      await forgetWebhookEventsOf(tx, [visitor.id]);
      await tx.visitor.delete({ where: { id: visitor.id } });
    }
    return tx.visitor.update({
      where: { id: owner.id },
      data: {
        metadata: mergedMetadata(withoutEmail(owner.metadata), extra),
        ...mergedEmail,
        ...movedEmail(owner, email),
        last_seen_at: now,
      },
    });
  });
  return { visitor_id: row.id, identified: true, visitor: toVisitorDto(row) };
}

/**
 * IDENTITY_REQUIRED: a visitor not linked to a user (by a valid user_hash) may read but write nothing — no
 * session, message (chat, stream, retry), handoff request, typing, reply feedback or conversation rating. The one
 * check every visitor-facing write calls; erasing itself and identifying stay open (they are how out).
 */
export async function requireMayWrite(deps: ChatDeps, visitorId: string): Promise<void> {
  if (!identityConfig(deps).required) return;
  const visitor = await deps.db.visitor.findUnique({ where: { id: visitorId }, select: { user_id: true } });
  if (!visitor?.user_id) throw new AppError("IDENTITY_REQUIRED");
}
