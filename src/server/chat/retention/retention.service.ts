import type { ChatDeps } from "../deps";
import { eraseVisitor } from "../visitors/erase-visitor";
import { forgetWebhookEventsOf } from "../webhooks/webhook-events";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows handled per transaction, so one run never holds a long lock or a large batch in memory. */
const BATCH = 500;

export interface RetentionResult {
  sessions: number;
  messages: number;
  visitors: number;
}

/**
 * Retention (RETENTION_DAYS): deletes what has had no activity for longer than `days` before `now`:
 * - sessions whose last activity (updated_at: bumped by every message) is older, with their messages;
 * - then visitors left with no session and not seen (last_seen_at) for as long, through eraseVisitor, so the
 *   erasure hooks (webhook `visitor.deleted`, closing streams) see them as any other erasure.
 * Each batch re-checks the cut-off as it deletes, so a session that comes back to life meanwhile is kept.
 */
export async function applyRetention(
  deps: Pick<ChatDeps, "db" | "events">,
  options: { days: number; now: Date },
): Promise<RetentionResult> {
  const cutoff = new Date(options.now.getTime() - options.days * DAY_MS);
  const result: RetentionResult = { sessions: 0, messages: 0, visitors: 0 };
  for (;;) {
    const stale = await deps.db.session.findMany({
      where: { updated_at: { lt: cutoff } },
      select: { id: true },
      take: BATCH,
    });
    if (stale.length === 0) break;
    const ids = stale.map((session) => session.id);
    const [, messages, sessions] = await deps.db.$transaction([
      // The files uploaded into them (explicitly, not only by cascade: their bytes are the bulk of the data).
      deps.db.attachment.deleteMany({
        where: { session_id: { in: ids }, session: { updated_at: { lt: cutoff } } },
      }),
      deps.db.message.deleteMany({
        where: { session_id: { in: ids }, session: { updated_at: { lt: cutoff } } },
      }),
      deps.db.session.deleteMany({ where: { id: { in: ids }, updated_at: { lt: cutoff } } }),
    ]);
    result.messages += Number(messages.count);
    result.sessions += Number(sessions.count);
    // The outbox's copies of what was deleted (a session that got a message meanwhile was kept, and keeps them).
    const kept = new Set(
      (await deps.db.session.findMany({ where: { id: { in: ids } }, select: { id: true } })).map(
        (row) => row.id,
      ),
    );
    await forgetWebhookEventsOf(
      deps.db,
      ids.filter((id) => !kept.has(id)),
    );
    if (Number(sessions.count) === 0) break;
  }
  for (;;) {
    const idle = await deps.db.visitor.findMany({
      where: { last_seen_at: { lt: cutoff }, sessions: { none: {} } },
      select: { id: true },
      take: BATCH,
    });
    let erased = 0;
    for (const { id } of idle) {
      try {
        await eraseVisitor(deps, id);
        erased += 1;
      } catch (error) {
        // Erased meanwhile by someone else: nothing left to do.
        if ((error as { id?: unknown }).id !== "VISITOR_NOT_FOUND") throw error;
      }
    }
    result.visitors += erased;
    if (idle.length < BATCH) break;
  }
  return result;
}
