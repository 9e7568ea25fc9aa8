import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";

/**
 * A job lease: a named background job (the stale-reply sweep; later retention, webhooks) run by one instance at
 * a time. A row in job_leases says who holds it until when. Taking it is one conditional write, so two
 * instances racing for it cannot both win:
 *
 * - free or expired, or already ours → `UPDATE … WHERE name = ? AND (holder = ? OR expires_at < now)`;
 * - never taken → `INSERT`, where the primary key lets exactly one of several racing inserts through.
 *
 * The holder keeps it by acquiring again before it expires (renewal), and gives it up with releaseLease.
 * Expiry is compared with the caller's clock: instances should keep their clocks in sync (NTP) to within a
 * small part of the ttl.
 */
export interface LeaseRequest {
  /** The job, e.g. "reply-sweeper". */
  name: string;
  /** Who asks: unique per process (see leaseHolderId). */
  holder: string;
  /** How long the lease lasts from `now` unless renewed. */
  ttlMs: number;
  now?: Date;
}

/** True if `holder` holds the lease from now until now + ttl (taken, taken over after expiry, or renewed). */
export async function acquireLease(db: Db, request: LeaseRequest): Promise<boolean> {
  const now = request.now ?? new Date();
  const expires_at = new Date(now.getTime() + request.ttlMs);
  const { count } = await db.jobLease.updateMany({
    where: { name: request.name, OR: [{ holder: request.holder }, { expires_at: { lt: now } }] },
    data: { holder: request.holder, expires_at },
  });
  // (Counts are bigints with SQLite's driver: compare as numbers.)
  if (Number(count) > 0) return true;
  try {
    await db.jobLease.create({ data: { name: request.name, holder: request.holder, expires_at } });
    return true;
  } catch (error) {
    // The row exists: another holder has the lease (or inserted it a moment before us).
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Gives the lease up now if `holder` has it, so another instance need not wait for it to expire. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.jobLease.deleteMany({ where: { name, holder } });
}

/** The current holder, if the lease is held at `now`. */
export async function leaseHolder(db: Db, name: string, now = new Date()): Promise<string | null> {
  const row = await db.jobLease.findUnique({ where: { name } });
  return row && row.expires_at >= now ? row.holder : null;
}

/** A holder id unique to this process: host, pid and a random part (pids repeat across containers). */
export function leaseHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
