import type { ChatDeps } from "../../chat/deps";
import { queryTerms } from "../../chat/responder/text-terms";
import {
  GAP_EXAMPLES_MAX,
  GAP_GROUPS_MAX,
  GAP_SIGNALS_MAX,
  type GapGroupDto,
  type GapListDto,
  type GapReason,
  type ListGapsInput,
} from "./gaps.schema";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Two questions whose topic terms overlap at least this much (Jaccard) are one gap. */
export const GAP_SIMILARITY = 0.5;

/** Something that says a visitor's question was not answered well: the assistant reply it concerns. */
export interface GapSignal {
  reason: GapReason;
  message_id: string;
  session_id: string;
  at: Date;
  comment: string | null;
}

/** Reads the signals of one kind since a time, most recent first, at most `take`. */
export type GapSignalSource = (deps: ChatDeps, since: Date, take: number) => Promise<GapSignal[]>;

/** Replies the responder had no confident passage for (answer_kind no_answer; small talk is not a gap). */
const unanswered: GapSignalSource = async (deps, since, take) => {
  const rows = await deps.db.message.findMany({
    where: { role: "assistant", answer_kind: "no_answer", created_at: { gte: since } },
    orderBy: [{ created_at: "desc" }, { id: "desc" }],
    take,
    select: { id: true, session_id: true, created_at: true },
  });
  return rows.map((row) => ({
    reason: "no_answer",
    message_id: row.id,
    session_id: row.session_id,
    at: row.created_at,
    comment: null,
  }));
};

/** Replies the visitor rated down. */
const ratedDown: GapSignalSource = async (deps, since, take) => {
  const rows = await deps.db.messageFeedback.findMany({
    where: { rating: "down", updated_at: { gte: since } },
    orderBy: [{ updated_at: "desc" }, { id: "desc" }],
    take,
    select: { message_id: true, session_id: true, updated_at: true, comment: true },
  });
  return rows.map((row) => ({
    reason: "thumbs_down",
    message_id: row.message_id,
    session_id: row.session_id,
    at: row.updated_at,
    comment: row.comment,
  }));
};

/**
 * Conversations handed to a person: the assistant reply before the request (a session waiting, or asked while
 * nobody was online: handoff_requested_at) or before the first agent message (claimed: the request time is
 * cleared then). The question before that reply is what led to the handoff.
 */
const handedOver: GapSignalSource = async (deps, since, take) => {
  const [requested, agentFirst] = await Promise.all([
    deps.db.session.findMany({
      where: { handoff_requested_at: { gte: since } },
      orderBy: [{ handoff_requested_at: "desc" }, { id: "desc" }],
      take,
      select: { id: true, handoff_requested_at: true },
    }),
    deps.db.message.findMany({
      where: { role: "agent", created_at: { gte: since } },
      distinct: ["session_id"],
      orderBy: [{ session_id: "asc" }, { created_at: "asc" }],
      take,
      select: { session_id: true, created_at: true },
    }),
  ]);
  const at = new Map<string, Date>();
  for (const row of agentFirst) at.set(row.session_id, row.created_at);
  for (const row of requested) {
    const when = row.handoff_requested_at!;
    const known = at.get(row.id);
    if (!known || when < known) at.set(row.id, when);
  }
  const signals = await Promise.all(
    [...at].map(async ([sessionId, when]) => {
      const reply = await deps.db.message.findFirst({
        where: { session_id: sessionId, role: "assistant", created_at: { lte: when } },
        orderBy: [{ created_at: "desc" }, { id: "desc" }],
        select: { id: true },
      });
      return reply
        ? [
            {
              reason: "handoff" as const,
              message_id: reply.id,
              session_id: sessionId,
              at: when,
              comment: null,
            },
          ]
        : [];
    }),
  );
  return signals
    .flat()
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, take);
};

/** Every kind of gap signal. */
export const GAP_SIGNAL_SOURCES: readonly GapSignalSource[] = [unanswered, ratedDown, handedOver];

/** The normalised topic terms of a question (stop words dropped, stemmed): what questions are grouped on. */
export function gapTerms(question: string): string[] {
  return [...new Set(queryTerms(question).map(({ term }) => term))].sort();
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const term of a) if (b.has(term)) shared += 1;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

const folded = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();

export interface QuestionSignal extends GapSignal {
  question: string;
}

/**
 * Groups signals by question similarity: each signal (most recent first) joins the group whose first question
 * shares the most topic terms with it, if at least GAP_SIMILARITY (Jaccard); otherwise it starts a group.
 * Questions without topic terms group only with the same text. Most frequent groups first, then most recent.
 */
export function groupGaps(signals: QuestionSignal[]): GapGroupDto[] {
  interface Group {
    terms: Set<string>;
    text: string;
    dto: GapGroupDto;
    sessions: Set<string>;
  }
  const groups: Group[] = [];
  const ordered = [...signals].sort((a, b) => b.at.getTime() - a.at.getTime());
  for (const signal of ordered) {
    const terms = new Set(gapTerms(signal.question));
    const text = folded(signal.question);
    let best: Group | undefined;
    let bestScore = 0;
    for (const group of groups) {
      const score =
        terms.size === 0 || group.terms.size === 0
          ? text === group.text
            ? 1
            : 0
          : jaccard(terms, group.terms);
      if (score >= GAP_SIMILARITY && score > bestScore) {
        best = group;
        bestScore = score;
      }
    }
    if (!best) {
      best = {
        terms,
        text,
        sessions: new Set(),
        dto: {
          question: signal.question,
          terms: [...terms].sort(),
          count: 0,
          reasons: { no_answer: 0, thumbs_down: 0, handoff: 0 },
          sessions: 0,
          last_seen_at: signal.at.toISOString(),
          examples: [],
        },
      };
      groups.push(best);
    }
    const { dto } = best;
    dto.count += 1;
    dto.reasons[signal.reason] += 1;
    best.sessions.add(signal.session_id);
    dto.sessions = best.sessions.size;
    if (dto.examples.length < GAP_EXAMPLES_MAX) {
      dto.examples.push({
        question: signal.question,
        reason: signal.reason,
        comment: signal.comment,
        session_id: signal.session_id,
        message_id: signal.message_id,
        at: signal.at.toISOString(),
      });
    }
  }
  return groups
    .map((group) => group.dto)
    .sort((a, b) => b.count - a.count || Date.parse(b.last_seen_at) - Date.parse(a.last_seen_at));
}

/** The visitor's question before each reply (the latest user message of its session before it). */
async function questionsBefore(deps: ChatDeps, messageIds: string[]): Promise<Map<string, string>> {
  const replies = await deps.db.message.findMany({
    where: { id: { in: messageIds } },
    select: { id: true, session_id: true, created_at: true },
  });
  const questions = new Map<string, string>();
  const BATCH = 25;
  for (let start = 0; start < replies.length; start += BATCH) {
    const found = await Promise.all(
      replies.slice(start, start + BATCH).map((reply) =>
        deps.db.message.findFirst({
          where: { session_id: reply.session_id, role: "user", created_at: { lt: reply.created_at } },
          orderBy: [{ created_at: "desc" }, { id: "desc" }],
          select: { content: true },
        }),
      ),
    );
    found.forEach((question, index) => {
      if (question) questions.set(replies[start + index]!.id, question.content);
    });
  }
  return questions;
}

/** Questions that got no confident answer or a thumbs-down in the last `days` days, grouped by similarity. */
export async function listGaps(
  deps: ChatDeps,
  input: ListGapsInput,
  now: Date = new Date(),
): Promise<GapListDto> {
  const since = new Date(now.getTime() - input.days * DAY_MS);
  const perSource = await Promise.all(
    GAP_SIGNAL_SOURCES.map((source) => source(deps, since, GAP_SIGNALS_MAX + 1)),
  );
  const all = perSource.flat().sort((a, b) => b.at.getTime() - a.at.getTime());
  const truncated = all.length > GAP_SIGNALS_MAX;
  const signals = all.slice(0, GAP_SIGNALS_MAX);
  const questions = await questionsBefore(deps, [...new Set(signals.map((signal) => signal.message_id))]);
  const withQuestions = signals.flatMap((signal) => {
    const question = questions.get(signal.message_id);
    return question === undefined ? [] : [{ ...signal, question }];
  });
  return {
    days: input.days,
    since: since.toISOString(),
    signals: withQuestions.length,
    truncated,
    groups: groupGaps(withQuestions).slice(0, GAP_GROUPS_MAX),
  };
}
