import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { commitInTransaction } from "../../chat/events/commit-change";
import { isUuid } from "../../chat/ids";
import { AppError } from "../../errors/app-error";
import type { LabelUsageListDto, SessionLabelsDto, SetSessionLabelsInput } from "./labels.schema";

/**
 * Replaces a conversation's labels (duplicates kept once), audited with how many were added and removed (not
 * the labels: a label may name a person). Labels are the team's: no event, email or webhook tells of them.
 */
export async function setSessionLabels(
  deps: ChatDeps,
  input: SetSessionLabelsInput,
  by: AuditBy,
): Promise<SessionLabelsDto> {
  if (!isUuid(input.id)) throw new AppError("SESSION_NOT_FOUND");
  const wanted = [...new Set(input.labels)].sort();
  return commitInTransaction(deps, async (tx) => {
    const session = await tx.session.findUnique({
      where: { id: input.id },
      select: { id: true, labels: { select: { label: true } } },
    });
    if (!session) throw new AppError("SESSION_NOT_FOUND");
    const had = new Set(session.labels.map((row) => row.label));
    const removed = [...had].filter((label) => !wanted.includes(label));
    const added = wanted.filter((label) => !had.has(label));
    if (removed.length > 0)
      await tx.sessionLabel.deleteMany({ where: { session_id: session.id, label: { in: removed } } });
    if (added.length > 0)
      await tx.sessionLabel.createMany({ data: added.map((label) => ({ session_id: session.id, label })) });
    return {
      result: { session_id: session.id, labels: wanted },
      audit: {
        ...by,
        action: "session.labels_changed",
        object: { type: "session", id: session.id },
        detail: { labels: wanted.length, added: added.length, removed: removed.length },
      },
    };
  });
}

/** Every label in use with how many conversations carry it, the most used first. */
export async function listLabels(deps: ChatDeps): Promise<LabelUsageListDto> {
  const groups = await deps.db.sessionLabel.groupBy({ by: ["label"], _count: { _all: true } });
  return {
    items: groups
      .map((group) => ({ label: group.label, count: group._count._all }))
      .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)),
  };
}
