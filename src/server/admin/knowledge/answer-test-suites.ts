import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { commitInTransaction } from "../../chat/events/commit-change";
import { isUuid } from "../../chat/ids";
import { AppError } from "../../errors/app-error";
import { answerTestQuestionSchema, runAnswerTests, type AnswerTestRunDto } from "./answer-tests";
import {
  ANSWER_TEST_RUNS_KEPT,
  ANSWER_TEST_SUITES_MAX,
  createAnswerTestSuiteInputSchema,
  updateAnswerTestSuiteInputSchema,
  type AnswerTestSuiteDto,
  type CreateAnswerTestSuiteInput,
  type StoredAnswerTestRunDto,
  type UpdateAnswerTestSuiteInput,
} from "./answer-test-suites.schema";

/**
 * Saved answer-test suites (issue 22 item 4): a suite's questions are stored, run against the live knowledge base
 * on demand (runAnswerTests, the same search as the assistant's), and every run is kept with its summary and its
 * per-question results — the newest ANSWER_TEST_RUNS_KEPT per suite — so a site owner sees what a change to the
 * articles did: each result says whether it is new, the same, fixed or broke since the suite's previous run.
 * Suite changes are audited (knowledge.suite_*, the name's length and counts only); runs are measurements and are
 * not.
 */

type Question = { question: string; expected: string[] };
type SuiteRow = Prisma.AnswerTestSuiteGetPayload<object>;
type RunRow = Prisma.AnswerTestRunGetPayload<object>;

const nowOf = (deps: ChatDeps) => (deps.now ? deps.now() : new Date());

function questionsOf(json: Prisma.JsonValue): Question[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((item) => {
    const parsed = answerTestQuestionSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

function toRunDto(row: RunRow): StoredAnswerTestRunDto {
  const results = (Array.isArray(row.results) ? row.results : []) as StoredAnswerTestRunDto["results"];
  return {
    id: row.id,
    suite_id: row.suite_id,
    created_at: row.created_at.toISOString(),
    summary: row.summary as AnswerTestRunDto["summary"],
    results,
    changes: {
      fixed: results.filter((result) => result.change === "fixed").length,
      broke: results.filter((result) => result.change === "broke").length,
    },
  };
}

function toSuiteDto(row: SuiteRow, last: RunRow | null): AnswerTestSuiteDto {
  return {
    id: row.id,
    name: row.name,
    questions: questionsOf(row.questions),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    last_run: last
      ? {
          id: last.id,
          created_at: last.created_at.toISOString(),
          summary: last.summary as AnswerTestRunDto["summary"],
        }
      : null,
  };
}

async function lastRunOf(db: ChatDeps["db"] | Prisma.TransactionClient, suiteId: string) {
  return db.answerTestRun.findFirst({
    where: { suite_id: suiteId },
    orderBy: [{ created_at: "desc" }, { id: "desc" }],
  });
}

async function suiteRow(db: ChatDeps["db"] | Prisma.TransactionClient, id: string): Promise<SuiteRow> {
  const row = isUuid(id) ? await db.answerTestSuite.findUnique({ where: { id } }) : null;
  if (!row) throw new AppError("ANSWER_TEST_SUITE_NOT_FOUND");
  return row;
}

/** Same text (trimmed, case and spacing ignored) = the same question. */
const questionKey = (question: string) => question.trim().replace(/\s+/g, " ").toLowerCase();

function withoutDuplicates(questions: readonly Question[]): Question[] {
  const seen = new Set<string>();
  return questions.filter((item) => {
    const key = questionKey(item.question);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every suite, most recently changed first, with its newest run's summary. */
export async function listAnswerTestSuites(deps: ChatDeps): Promise<{ items: AnswerTestSuiteDto[] }> {
  const rows = await deps.db.answerTestSuite.findMany({
    orderBy: [{ updated_at: "desc" }, { id: "desc" }],
    take: ANSWER_TEST_SUITES_MAX,
  });
  const items = await Promise.all(rows.map(async (row) => toSuiteDto(row, await lastRunOf(deps.db, row.id))));
  return { items };
}

export async function getAnswerTestSuite(deps: ChatDeps, id: string): Promise<AnswerTestSuiteDto> {
  const row = await suiteRow(deps.db, id);
  return toSuiteDto(row, await lastRunOf(deps.db, row.id));
}

export async function createAnswerTestSuite(
  deps: ChatDeps,
  raw: CreateAnswerTestSuiteInput,
  by: AuditBy,
): Promise<AnswerTestSuiteDto> {
  const input = createAnswerTestSuiteInputSchema.parse(raw);
  const now = nowOf(deps);
  const row = await commitInTransaction(deps, async (tx) => {
    if ((await tx.answerTestSuite.count()) >= ANSWER_TEST_SUITES_MAX)
      throw new AppError("ANSWER_TEST_SUITE_LIMIT", { params: { max: ANSWER_TEST_SUITES_MAX } });
    const questions = withoutDuplicates(input.questions);
    const created = await tx.answerTestSuite.create({
      data: { name: input.name, questions, created_at: now, updated_at: now },
    });
    return {
      result: created,
      audit: {
        ...by,
        action: "knowledge.suite_created",
        object: { type: "answer_test_suite", id: created.id },
        detail: { questions: questions.length },
      },
      at: now,
    };
  });
  return toSuiteDto(row, null);
}

/** Renames, replaces the questions, or appends some (`add_questions`, duplicates once). */
export async function updateAnswerTestSuite(
  deps: ChatDeps,
  raw: UpdateAnswerTestSuiteInput,
  by: AuditBy,
): Promise<AnswerTestSuiteDto> {
  const input = updateAnswerTestSuiteInputSchema.parse(raw);
  const now = nowOf(deps);
  const row = await commitInTransaction(deps, async (tx) => {
    const current = await suiteRow(tx, input.id);
    const base = input.questions ?? questionsOf(current.questions);
    const questions = withoutDuplicates([...base, ...(input.add_questions ?? [])]);
    if (questions.length > 200) throw AppError.validation(tooMany());
    const updated = await tx.answerTestSuite.update({
      where: { id: current.id },
      data: { ...(input.name !== undefined && { name: input.name }), questions, updated_at: now },
    });
    return {
      result: updated,
      audit: {
        ...by,
        action: "knowledge.suite_updated",
        object: { type: "answer_test_suite", id: updated.id },
        detail: {
          renamed: input.name !== undefined && input.name !== current.name,
          questions: questions.length,
        },
      },
      at: now,
    };
  });
  return toSuiteDto(row, await lastRunOf(deps.db, row.id));
}

/** The 200-question limit after appending: the same field-level message as a too-long `questions`. */
function tooMany() {
  const parsed = updateAnswerTestSuiteInputSchema.safeParse({
    id: "00000000-0000-4000-8000-000000000000",
    add_questions: Array.from({ length: 201 }, () => ({ question: "x" })),
  });
  if (parsed.success) throw new Error("answer-test suites: the question limit did not apply");
  return parsed.error;
}

export async function deleteAnswerTestSuite(
  deps: ChatDeps,
  id: string,
  by: AuditBy,
): Promise<{ id: string; deleted: true }> {
  await commitInTransaction(deps, async (tx) => {
    const current = await suiteRow(tx, id);
    // Its runs go with it (onDelete: Cascade).
    await tx.answerTestSuite.delete({ where: { id: current.id } });
    return {
      result: null,
      audit: {
        ...by,
        action: "knowledge.suite_deleted",
        object: { type: "answer_test_suite", id: current.id },
      },
    };
  });
  return { id, deleted: true };
}

/**
 * Runs the suite now against the live knowledge base, stores the run (each result marked against the previous
 * run: new, same, fixed, broke) and deletes runs beyond the newest ANSWER_TEST_RUNS_KEPT. The search runs before
 * the transaction, which only writes.
 */
export async function runAnswerTestSuite(deps: ChatDeps, id: string): Promise<StoredAnswerTestRunDto> {
  const suite = await suiteRow(deps.db, id);
  const questions = questionsOf(suite.questions);
  if (questions.length === 0) throw new AppError("ANSWER_TEST_SUITE_EMPTY");
  const run = await runAnswerTests(deps, { questions });
  const now = nowOf(deps);
  const stored = await deps.db.$transaction(async (tx) => {
    const previous = await lastRunOf(tx, suite.id);
    const before = new Map<string, boolean>();
    for (const result of (Array.isArray(previous?.results) ? previous.results : []) as {
      question?: string;
      passed?: boolean;
    }[])
      if (typeof result.question === "string")
        before.set(questionKey(result.question), result.passed === true);
    const results = run.results.map((result) => {
      const was = before.get(questionKey(result.question));
      const change =
        was === undefined ? "new" : was === result.passed ? "same" : result.passed ? "fixed" : "broke";
      return { ...result, change } as const;
    });
    const created = await tx.answerTestRun.create({
      data: {
        suite_id: suite.id,
        summary: run.summary,
        results: results as unknown as Prisma.InputJsonValue,
        created_at: now,
      },
    });
    const kept = await tx.answerTestRun.findMany({
      where: { suite_id: suite.id },
      orderBy: [{ created_at: "desc" }, { id: "desc" }],
      skip: ANSWER_TEST_RUNS_KEPT,
      select: { id: true },
    });
    if (kept.length > 0)
      await tx.answerTestRun.deleteMany({ where: { id: { in: kept.map((row) => row.id) } } });
    return created;
  });
  return toRunDto(stored);
}

/** The suite's runs, newest first. */
export async function listAnswerTestRuns(
  deps: ChatDeps,
  id: string,
): Promise<{ items: StoredAnswerTestRunDto[] }> {
  const suite = await suiteRow(deps.db, id);
  const rows = await deps.db.answerTestRun.findMany({
    where: { suite_id: suite.id },
    orderBy: [{ created_at: "desc" }, { id: "desc" }],
    take: ANSWER_TEST_RUNS_KEPT,
  });
  return { items: rows.map(toRunDto) };
}
