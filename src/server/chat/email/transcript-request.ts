import { AppError } from "../../errors/app-error";
import type { ChatDeps } from "../deps";
import { commitInTransaction } from "../events/commit-change";
import { requireMayWrite } from "../visitors/identify-visitor";
import { findOwnedSession, toSessionDto } from "../sessions/sessions.service";
import type { SessionDto } from "../sessions/session.schema";
import { transcriptRequestInputSchema, type TranscriptRequestInput } from "./transcript.schema";

/**
 * The visitor asks for a transcript by email (the widget's "Email me a transcript"), or withdraws it. The request
 * is stored on the conversation (`transcript_requested_at`); each time an agent closes it, one transcript is
 * queued (transcript.ts, in the close's transaction). Asking needs an address: the visitor's, or `email` given
 * here (stored on the visitor, a stop given earlier no longer holds: they asked for this email).
 */
export async function requestTranscript(deps: ChatDeps, raw: TranscriptRequestInput): Promise<SessionDto> {
  const input = transcriptRequestInputSchema.parse(raw);
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  await requireMayWrite(deps, session.visitor_id);
  const now = deps.now ? deps.now() : new Date();
  return commitInTransaction(deps, async (tx) => {
    if (input.requested) {
      if (input.email)
        await tx.visitor.update({
          where: { id: session.visitor_id },
          data: { email: input.email, email_stopped_at: null },
        });
      else {
        const visitor = await tx.visitor.findUniqueOrThrow({
          where: { id: session.visitor_id },
          select: { email: true },
        });
        if (!visitor.email) throw new AppError("TRANSCRIPT_EMAIL_REQUIRED");
      }
    }
    const stored = await tx.session.update({
      where: { id: session.id },
      data: { transcript_requested_at: input.requested ? (session.transcript_requested_at ?? now) : null },
    });
    const dto = toSessionDto(stored);
    return { result: dto, events: [{ type: "session.updated", data: dto, session_id: stored.id }], at: now };
  });
}
