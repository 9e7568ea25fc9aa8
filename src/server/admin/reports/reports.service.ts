import type { ChatDeps } from "../../chat/deps";
import { csvRow, CSV_BOM } from "../exports/csv";
import {
  REPORT_CSV_COLUMNS,
  REPORT_DEFAULT_DAYS,
  REPORT_MAX_DAYS,
  type ReportDto,
  type ReportInput,
  type ReportRowDto,
} from "./reports.schema";

/**
 * The team's report over the conversations STARTED in a range of days (in a time zone): every figure is about
 * those conversations, grouped by the day they started or by their agent. Definitions (docs/admin.md, Reports):
 * - handoffs: the requests for a person made in them (handoff_requests rows);
 * - first response: from each request to the first agent message at or after it (unanswered requests left out);
 * - resolution: from the conversation's start to its first `closed` step (never-closed conversations left out);
 * - csat: the post-chat ratings (1–5) of them;
 * - bot resolution rate: of those with an assistant reply, the share with no request, no agent message and no
 *   thumbs-down;
 * - agent: the author of the conversation's first agent message (messages keep the name, not the id: the
 *   session's assignee is cleared on close, the name written is what stays).
 * Percentiles are nearest-rank over the values, in whole seconds. Rows are read per batch of sessions (ids,
 * times, names — never message texts) and folded into one accumulator per group, so memory stays bounded by the
 * number of groups and durations.
 */

const DAY_MS = 86_400_000;
/** Sessions per batch: their ids are bound as query parameters, and SQLite's driver allows at most 999 per query. */
const BATCH = 500;

/** The parts of `instant` as seen in `zone`. */
function zonedParts(format: Intl.DateTimeFormat, instant: number) {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant))
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  return parts as Record<"year" | "month" | "day" | "hour" | "minute" | "second", number>;
}

function zoneFormat(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** The calendar day (YYYY-MM-DD) of `instant` in the format's zone. */
function dayOf(format: Intl.DateTimeFormat, instant: number): string {
  const p = zonedParts(format, instant);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The zone's offset from UTC at `instant`, in ms. */
function offsetAt(format: Intl.DateTimeFormat, instant: number): number {
  const p = zonedParts(format, instant);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a day starts in the zone (two passes, so a day next to a DST change is right). */
function startOf(format: Intl.DateTimeFormat, day: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  const first = wall - offsetAt(format, wall);
  return wall - offsetAt(format, first);
}

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The range's days: given ones as they are (the schema checked them), missing ones from today in the zone. */
function rangeOf(input: ReportInput, today: string): { from: string; to: string } {
  if (input.from && input.to) return { from: input.from, to: input.to };
  if (input.to) return { from: addDays(input.to, -(REPORT_DEFAULT_DAYS - 1)), to: input.to };
  if (input.from) {
    // To today, but never before `from` nor longer than the longest range.
    const to = today < input.from ? input.from : today;
    const last = addDays(input.from, REPORT_MAX_DAYS - 1);
    return { from: input.from, to: to > last ? last : to };
  }
  return { from: addDays(today, -(REPORT_DEFAULT_DAYS - 1)), to: today };
}

/** Nearest-rank percentile of sorted ms durations, in whole seconds; null for none. */
export function percentileSeconds(sortedMs: readonly number[], p: number): number | null {
  if (sortedMs.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sortedMs.length));
  return Math.round(sortedMs[rank - 1]! / 1000);
}

class Group {
  conversations = 0;
  handoffs = 0;
  firstResponses: number[] = [];
  resolutions: number[] = [];
  ratingSum = 0;
  ratingCount = 0;
  botAnswered = 0;
  botResolved = 0;

  row(key: string | null): ReportRowDto {
    const fr = [...this.firstResponses].sort((a, b) => a - b);
    const res = [...this.resolutions].sort((a, b) => a - b);
    return {
      key,
      conversations: this.conversations,
      handoffs: this.handoffs,
      first_response_seconds: { p50: percentileSeconds(fr, 0.5), p90: percentileSeconds(fr, 0.9) },
      resolution_seconds: { p50: percentileSeconds(res, 0.5), p90: percentileSeconds(res, 0.9) },
      csat: {
        average: this.ratingCount === 0 ? null : Math.round((this.ratingSum / this.ratingCount) * 100) / 100,
        count: this.ratingCount,
      },
      bot_resolution_rate:
        this.botAnswered === 0 ? null : Math.round((this.botResolved / this.botAnswered) * 10_000) / 10_000,
    };
  }
}

type SessionFacts = { id: string; created_at: Date; rating: { rating: number } | null };

/** One conversation's facts, folded into its group and the totals. */
interface Facts {
  createdAt: number;
  requests: number[];
  agentMessages: { at: number; author: string | null }[];
  firstClose: number | null;
  rating: number | null;
  assistantReplied: boolean;
  thumbsDown: boolean;
}

function fold(group: Group, facts: Facts): void {
  group.conversations += 1;
  group.handoffs += facts.requests.length;
  for (const requested of facts.requests) {
    const answer = facts.agentMessages.find((message) => message.at >= requested);
    if (answer) group.firstResponses.push(answer.at - requested);
  }
  if (facts.firstClose !== null) group.resolutions.push(facts.firstClose - facts.createdAt);
  if (facts.rating !== null) {
    group.ratingSum += facts.rating;
    group.ratingCount += 1;
  }
  if (facts.assistantReplied) {
    group.botAnswered += 1;
    if (facts.requests.length === 0 && facts.agentMessages.length === 0 && !facts.thumbsDown)
      group.botResolved += 1;
  }
}

/** The report for `input`; `now` (default deps.now, else the clock) decides "today". */
export async function getReport(deps: ChatDeps, input: ReportInput, now?: Date): Promise<ReportDto> {
  const format = zoneFormat(input.tz);
  const today = dayOf(format, (now ?? deps.now?.() ?? new Date()).getTime());
  const { from, to } = rangeOf(input, today);
  const start = new Date(startOf(format, from));
  const end = new Date(startOf(format, addDays(to, 1)));

  const groups = new Map<string | null, Group>();
  if (input.group === "day")
    for (let index = 0; index <= daysBetween(from, to); index += 1)
      groups.set(addDays(from, index), new Group());
  const totals = new Group();

  let cursor: { created_at: Date; id: string } | null = null;
  for (;;) {
    const after: { created_at: Date; id: string } | null = cursor;
    const sessions: SessionFacts[] = await deps.db.session.findMany({
      where: {
        created_at: { lt: end, gte: start },
        ...(after && {
          OR: [
            { created_at: { gt: after.created_at } },
            { created_at: after.created_at, id: { gt: after.id } },
          ],
        }),
      },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
      take: BATCH,
      select: { id: true, created_at: true, rating: { select: { rating: true } } },
    });
    if (sessions.length === 0) break;
    const ids = sessions.map((session) => session.id);
    const [requests, steps, assistant, thumbsDown] = await Promise.all([
      deps.db.handoffRequest.findMany({
        where: { session_id: { in: ids } },
        select: { session_id: true, requested_at: true },
      }),
      deps.db.message.findMany({
        where: {
          session_id: { in: ids },
          OR: [{ role: "agent" }, { role: "system", kind: "closed" }],
        },
        orderBy: [{ created_at: "asc" }, { id: "asc" }],
        select: { session_id: true, role: true, created_at: true, author_name: true },
      }),
      deps.db.message.groupBy({
        by: ["session_id"],
        where: { session_id: { in: ids }, role: "assistant" },
        _count: { _all: true },
      }),
      deps.db.messageFeedback.groupBy({
        by: ["session_id"],
        where: { session_id: { in: ids }, rating: "down" },
        _count: { _all: true },
      }),
    ]);
    const facts = new Map<string, Facts>(
      sessions.map((session) => [
        session.id,
        {
          createdAt: session.created_at.getTime(),
          requests: [],
          agentMessages: [],
          firstClose: null,
          rating: session.rating?.rating ?? null,
          assistantReplied: false,
          thumbsDown: false,
        },
      ]),
    );
    for (const request of requests)
      facts.get(request.session_id)!.requests.push(request.requested_at.getTime());
    for (const step of steps) {
      const of = facts.get(step.session_id)!;
      if (step.role === "agent")
        of.agentMessages.push({ at: step.created_at.getTime(), author: step.author_name });
      else if (of.firstClose === null) of.firstClose = step.created_at.getTime();
    }
    for (const row of assistant) facts.get(row.session_id)!.assistantReplied = true;
    for (const row of thumbsDown) facts.get(row.session_id)!.thumbsDown = true;

    for (const of of facts.values()) {
      const key = input.group === "day" ? dayOf(format, of.createdAt) : (of.agentMessages[0]?.author ?? null);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = new Group()));
      fold(group, of);
      fold(totals, of);
    }
    const last = sessions[sessions.length - 1]!;
    cursor = { created_at: last.created_at, id: last.id };
    if (sessions.length < BATCH) break;
  }

  const keys = [...groups.keys()];
  if (input.group === "agent")
    keys.sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b, "en")));
  return {
    from,
    to,
    tz: input.tz,
    group: input.group,
    rows: keys.map((key) => groups.get(key)!.row(key)),
    totals: totals.row(null),
  };
}

/** The report as CSV (REPORT_CSV_COLUMNS): one row per group, then `total`. */
export function reportCsv(report: ReportDto): { filename: string; text: string } {
  const line = (label: string | null, row: ReportRowDto) =>
    csvRow([
      label,
      row.conversations,
      row.handoffs,
      row.first_response_seconds.p50,
      row.first_response_seconds.p90,
      row.resolution_seconds.p50,
      row.resolution_seconds.p90,
      row.csat.average,
      row.csat.count,
      row.bot_resolution_rate,
    ]);
  const text =
    CSV_BOM +
    csvRow(REPORT_CSV_COLUMNS) +
    report.rows.map((row) => line(row.key, row)).join("") +
    line("total", report.totals);
  return { filename: `report-${report.group}-${report.from}-${report.to}.csv`, text };
}
