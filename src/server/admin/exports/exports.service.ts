import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { AuditBy, AuditRecord } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { commitChange } from "../../chat/events/commit-change";
import {
  createdAtRange,
  getTranscript,
  LABELS_INCLUDE,
  toTranscriptDto,
} from "../sessions/session-admin.service";
import type { TranscriptDto } from "../sessions/session-admin.schema";
import { keysetWhere, type Keyset } from "../../chat/pagination";
import { WITH_FEEDBACK } from "../../chat/messages/message-dto";
import { CSV_BOM, csvRow } from "./csv";
import {
  CSV_COLUMNS,
  type ExportFormat,
  type ExportSessionsInput,
  type ExportTranscriptInput,
} from "./exports.schema";

/** A downloadable file, produced in chunks so a large range is never held in memory whole. */
export interface ExportFile {
  filename: string;
  contentType: string;
  chunks: AsyncIterable<string>;
}

/** Sessions read per query in a bulk export. */
const EXPORT_BATCH_SESSIONS = 100;

const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
};

function transcriptCsvRows(transcript: TranscriptDto): string {
  const { session } = transcript;
  return transcript.messages
    .map((message) =>
      csvRow([
        session.id,
        session.title,
        session.created_at,
        session.visitor_id,
        message.id,
        message.created_at,
        message.role,
        message.status,
        message.content,
      ]),
    )
    .join("");
}

const CSV_HEADER = `${CSV_BOM}${csvRow(CSV_COLUMNS)}`;

/**
 * An export's audit entry (with `by`): an export changes no row, so the entry is a change of its own, written
 * once the export is known to exist (an unknown session is a 404, not an export) and before a byte is sent.
 */
export async function recordExport(
  deps: Pick<ChatDeps, "db">,
  by: AuditBy,
  record: Omit<AuditRecord, keyof AuditBy>,
): Promise<void> {
  await commitChange(deps, { writes: [], audit: { ...by, ...record } });
}

/**
 * One session's transcript as a file, audited (transcript.exported) with `by`. Unknown session →
 * SESSION_NOT_FOUND before anything is produced.
 */
export async function exportTranscript(
  deps: ChatDeps,
  input: ExportTranscriptInput,
  by: AuditBy,
): Promise<ExportFile> {
  const transcript = await getTranscript(deps, input);
  await recordExport(deps, by, {
    action: "transcript.exported",
    object: { type: "session", id: transcript.session.id },
    detail: { format: input.format },
  });
  const body =
    input.format === "csv"
      ? CSV_HEADER + transcriptCsvRows(transcript)
      : JSON.stringify({ exported_at: new Date().toISOString(), ...transcript }, null, 2);
  return {
    filename: `transcript-${transcript.session.id}.${input.format}`,
    contentType: CONTENT_TYPE[input.format],
    chunks: (async function* () {
      yield body;
    })(),
  };
}

/** Transcripts of the sessions started in the range, oldest first, read in batches (keyset on created_at, id). */
async function* transcriptsStartedIn(
  deps: ChatDeps,
  input: ExportSessionsInput,
): AsyncGenerator<TranscriptDto> {
  const createdAt = createdAtRange(input);
  let after: Keyset | undefined;
  for (;;) {
    const rows = await deps.db.session.findMany({
      where: {
        ...(createdAt && { created_at: createdAt }),
        ...keysetWhere<Prisma.SessionWhereInput>("created_at", after, "asc"),
      },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
      take: EXPORT_BATCH_SESSIONS,
      include: {
        visitor: true,
        messages: { orderBy: [{ created_at: "asc" }, { id: "asc" }], include: WITH_FEEDBACK },
        labels: LABELS_INCLUDE,
      },
    });
    for (const row of rows) yield toTranscriptDto(row);
    const last = rows.at(-1);
    if (rows.length < EXPORT_BATCH_SESSIONS || !last) return;
    after = { at: last.created_at, id: last.id };
  }
}

/**
 * The iterator's first value read now (so a database that is down fails the request, a 503 in the envelope,
 * before any header or byte is sent), then the rest as it is pulled.
 */
async function readFirst<T>(iterator: AsyncGenerator<T>): Promise<AsyncGenerator<T>> {
  const first = await iterator.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* iterator;
  })();
}

/** Every session started in a day range (UTC, inclusive), with its messages, as one file; audited with `by`. */
export async function exportSessions(
  deps: ChatDeps,
  input: ExportSessionsInput,
  by: AuditBy,
): Promise<ExportFile> {
  createdAtRange(input); // refuse a reversed range before the response starts
  const span = `${input.from ?? "start"}-to-${input.to ?? "now"}`;
  const transcripts = await readFirst(transcriptsStartedIn(deps, input));
  await recordExport(deps, by, {
    action: "sessions.exported",
    detail: { format: input.format, from: input.from ?? null, to: input.to ?? null },
  });
  return {
    filename: `sessions-${span}.${input.format}`,
    contentType: CONTENT_TYPE[input.format],
    chunks:
      input.format === "csv"
        ? (async function* () {
            yield CSV_HEADER;
            for await (const transcript of transcripts) yield transcriptCsvRows(transcript);
          })()
        : (async function* () {
            const header = {
              exported_at: new Date().toISOString(),
              from: input.from ?? null,
              to: input.to ?? null,
            };
            yield `${JSON.stringify(header).slice(0, -1)},"sessions":[`;
            let first = true;
            for await (const transcript of transcripts) {
              yield `${first ? "" : ","}\n${JSON.stringify(transcript)}`;
              first = false;
            }
            yield "\n]}\n";
          })(),
  };
}
