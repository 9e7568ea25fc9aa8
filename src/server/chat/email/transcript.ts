import type { Prisma } from "~/generated/prisma-postgresql/client";
import { isSystemMessageKind } from "~/shared/system-messages";
import { emailEnabled, type EmailConfig } from "../deps";
import type { SessionRow } from "../sessions/sessions.service";
import { transcriptEmail, type TranscriptLine } from "./email-content";
import { systemStepTexts } from "./email-texts";
import { queueVisitorEmail } from "./visitor-email";

type Tx = Pick<
  Prisma.TransactionClient,
  "session" | "visitor" | "message" | "emailOutbox" | "widgetSettings"
>;

/**
 * The transcript a visitor asked for, queued when an agent closes the conversation: called in the close's own
 * transaction (handoff.service.ts, only when the close changed the mode), so one close queues one transcript and a
 * close that changed nothing (already closed) queues none. Nothing is queued when the visitor did not ask
 * (`transcript_requested_at` null), has no address, followed a stop link, or email is off.
 *
 * The transcript holds every visitor, assistant and agent message (complete, or the part written of a stopped or
 * failed reply) and every visible step, in order. Private notes live in their own table and are never read here.
 */
export async function queueTranscriptOnClose(
  tx: Tx,
  config: EmailConfig,
  session: SessionRow,
  now: Date,
): Promise<boolean> {
  if (!emailEnabled(config) || !session.transcript_requested_at) return false;
  const visitor = await tx.visitor.findUnique({
    where: { id: session.visitor_id },
    select: { email: true, email_stopped_at: true },
  });
  if (!visitor?.email || visitor.email_stopped_at) return false;
  const rows = await tx.message.findMany({
    where: { session_id: session.id },
    orderBy: [{ created_at: "asc" }, { id: "asc" }],
  });
  const steps = systemStepTexts(session.locale);
  const lines: TranscriptLine[] = [];
  for (const row of rows) {
    if (row.role === "system") {
      if (!isSystemMessageKind(row.kind)) continue;
      const text =
        row.kind === "agent_joined"
          ? steps("agent_joined", { name: row.author_name ?? "—" })
          : row.kind === "closed"
            ? row.author_name
              ? steps("closed", { name: row.author_name })
              : steps("closedNoName")
            : steps(row.kind);
      lines.push({ author: "step", text, at: row.created_at });
      continue;
    }
    if (row.content.trim() === "") continue;
    const author = row.role === "user" ? "visitor" : row.role === "agent" ? "agent" : "assistant";
    lines.push({ author, name: row.author_name, text: row.content, at: row.created_at });
  }
  await queueVisitorEmail(tx, config, session, {
    kind: "transcript",
    to: visitor.email,
    at: now,
    compose: (links) => transcriptEmail({ ...links, title: session.title, lines }),
  });
  return true;
}
