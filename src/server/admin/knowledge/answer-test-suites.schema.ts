import { z } from "zod";
import { idSchema } from "../../chat/ids";
import {
  ANSWER_TEST_MAX_QUESTIONS,
  answerTestQuestionSchema,
  answerTestResultSchema,
  answerTestRunSchema,
} from "./answer-tests";
import { ANSWER_TEST_SUITE_NAME_MAX_CHARS } from "~/shared/limits";

/** The newest runs kept per suite: older ones are deleted when a run is stored. */
export const ANSWER_TEST_RUNS_KEPT = 50;
/** Saved suites at most (each up to ANSWER_TEST_MAX_QUESTIONS questions). */
export const ANSWER_TEST_SUITES_MAX = 100;

const suiteNameSchema = z
  .string()
  .trim()
  .min(1, "name must not be empty")
  .max(
    ANSWER_TEST_SUITE_NAME_MAX_CHARS,
    `name must be at most ${ANSWER_TEST_SUITE_NAME_MAX_CHARS} characters`,
  )
  .meta({ description: "The suite's name.", example: "Shipping questions" });

const suiteQuestionsSchema = z
  .array(answerTestQuestionSchema)
  .max(ANSWER_TEST_MAX_QUESTIONS, `a suite holds at most ${ANSWER_TEST_MAX_QUESTIONS} questions`);

export const createAnswerTestSuiteInputSchema = z.strictObject({
  name: suiteNameSchema,
  questions: suiteQuestionsSchema.default([]),
});
export type CreateAnswerTestSuiteInput = z.input<typeof createAnswerTestSuiteInputSchema>;

export const answerTestSuiteIdInputSchema = z.strictObject({ id: idSchema });

export const updateAnswerTestSuiteInputSchema = z.strictObject({
  id: idSchema,
  name: suiteNameSchema.optional(),
  questions: suiteQuestionsSchema.optional().meta({ description: "Replaces every question." }),
  add_questions: suiteQuestionsSchema.optional().meta({
    description:
      "Appended to the questions (a question already in the suite, same text, is not added twice): the " +
      "one-click 'Add to suite' of /admin/gaps.",
  }),
});
export type UpdateAnswerTestSuiteInput = z.input<typeof updateAnswerTestSuiteInputSchema>;

const summarySchema = answerTestRunSchema.shape.summary;

export const answerTestSuiteSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    questions: z.array(answerTestQuestionSchema),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    last_run: z
      .object({ id: z.uuid(), created_at: z.iso.datetime(), summary: summarySchema })
      .nullable()
      .meta({ description: "The newest run's summary, null before the first run." }),
  })
  .meta({ id: "AnswerTestSuite" });
export type AnswerTestSuiteDto = z.infer<typeof answerTestSuiteSchema>;

export const answerTestSuiteListSchema = z.object({ items: z.array(answerTestSuiteSchema) });

export const answerTestChangeSchema = z.enum(["new", "same", "fixed", "broke"]).meta({
  description:
    "Against the suite's previous run: new (not in it), same, fixed (failed then, passes now), broke (passed " +
    "then, fails now).",
});

export const storedAnswerTestRunSchema = z
  .object({
    id: z.uuid(),
    suite_id: z.uuid(),
    created_at: z.iso.datetime(),
    summary: summarySchema,
    results: z.array(answerTestResultSchema.extend({ change: answerTestChangeSchema })),
    changes: z
      .object({ fixed: z.number().int(), broke: z.number().int() })
      .meta({ description: "How many questions were fixed or broke since the previous run." }),
  })
  .meta({ id: "StoredAnswerTestRun" });
export type StoredAnswerTestRunDto = z.infer<typeof storedAnswerTestRunSchema>;

export const answerTestRunListSchema = z.object({
  items: z.array(storedAnswerTestRunSchema).meta({
    description: `The suite's runs, newest first (the newest ${ANSWER_TEST_RUNS_KEPT} are kept).`,
  }),
});
