"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { AnswerTestSuiteDto } from "~/server/admin/knowledge/answer-test-suites.schema";
import { useTRPC } from "~/trpc/react";
import { parseLines } from "./answer-tests-form";
import { RunSummary } from "./run-summary";
import { ANSWER_TEST_SUITE_NAME_MAX_CHARS } from "~/shared/limits";

const WHEN = { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" } as const;

/** A suite's questions as the editor's lines (`question | expected, …`). */
function toLines(suite: AnswerTestSuiteDto): string {
  return suite.questions.map((item) => `${item.question} | ${item.expected.join(", ")}`).join("\n");
}

/**
 * Saved suites (admin.knowledge.*Suite*): save the editor's questions as a suite, load a suite into the editor,
 * save the editor into it, run it (stored), delete it, and its history with each question's change since the
 * previous run (a question that broke is highlighted).
 */
export function SavedSuites({ text, onLoad }: { text: string; onLoad: (text: string) => void }) {
  const t = useTranslations("AdminAnswerTests.suites");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const format = useFormatter();
  const suites = useQuery(trpc.admin.knowledge.listSuites.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.knowledge.pathKey() });
  const [name, setName] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const create = useMutation(
    trpc.admin.knowledge.createSuite.mutationOptions({
      onSuccess: () => {
        setName("");
        void refresh();
      },
    }),
  );
  const update = useMutation(trpc.admin.knowledge.updateSuite.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.admin.knowledge.deleteSuite.mutationOptions({ onSuccess: refresh }));
  const run = useMutation(
    trpc.admin.knowledge.runSuite.mutationOptions({
      onSuccess: (result) => {
        setOpen(result.suite_id);
        void refresh();
      },
    }),
  );
  const error = create.error ?? update.error ?? remove.error ?? run.error;

  function onCreate(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name, questions: parseLines(text) });
  }

  return (
    <section aria-labelledby="suites-heading" data-testid="answer-test-suites">
      <h2 id="suites-heading">{t("heading")}</h2>
      <p className="muted">{t("intro")}</p>
      <form className="filters" onSubmit={onCreate}>
        <label>
          {t("name")}
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            maxLength={ANSWER_TEST_SUITE_NAME_MAX_CHARS}
          />
        </label>
        <button type="submit" disabled={create.isPending || parseLines(text).length === 0}>
          {t("saveAs")}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {suites.data && suites.data.items.length === 0 && <p className="muted">{t("none")}</p>}
      {suites.data && suites.data.items.length > 0 && (
        <table>
          <tbody>
            {suites.data.items.map((suite) => (
              <tr key={suite.id} data-testid="answer-test-suite">
                <td>
                  <strong>{suite.name}</strong>{" "}
                  <span className="muted">{t("questions", { count: suite.questions.length })}</span>
                  <div className="muted">
                    {suite.last_run
                      ? t("lastRun", {
                          when: format.dateTime(new Date(suite.last_run.created_at), WHEN),
                          passed: suite.last_run.summary.passed,
                          total: suite.last_run.summary.total,
                        })
                      : t("neverRun")}
                  </div>
                  {open === suite.id && <SuiteHistory suiteId={suite.id} />}
                </td>
                <td>
                  <button
                    type="button"
                    disabled={run.isPending || suite.questions.length === 0}
                    onClick={() => run.mutate({ id: suite.id })}
                  >
                    {run.isPending && run.variables?.id === suite.id ? t("running") : t("run")}
                  </button>{" "}
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => setOpen(open === suite.id ? null : suite.id)}
                    aria-expanded={open === suite.id}
                  >
                    {t("history")}
                  </button>{" "}
                  <button type="button" className="secondary" onClick={() => onLoad(toLines(suite))}>
                    {t("edit")}
                  </button>{" "}
                  <button
                    type="button"
                    className="secondary"
                    disabled={update.isPending || parseLines(text).length === 0}
                    onClick={() => update.mutate({ id: suite.id, questions: parseLines(text) })}
                  >
                    {t("update")}
                  </button>{" "}
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      if (window.confirm(t("deleteConfirm", { name: suite.name })))
                        remove.mutate({ id: suite.id });
                    }}
                  >
                    {t("delete")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A suite's runs, newest first: the summary, what changed, and each question's outcome and change. */
function SuiteHistory({ suiteId }: { suiteId: string }) {
  const t = useTranslations("AdminAnswerTests");
  const ts = useTranslations("AdminAnswerTests.suites");
  const trpc = useTRPC();
  const format = useFormatter();
  const runs = useQuery(trpc.admin.knowledge.listSuiteRuns.queryOptions({ id: suiteId }));
  if (!runs.data) return null;
  return (
    <div data-testid="answer-test-history">
      {runs.data.items.map((run) => (
        <details key={run.id} open={run.id === runs.data.items[0]?.id}>
          <summary>
            {ts("runOf", { when: format.dateTime(new Date(run.created_at), WHEN) })} —{" "}
            <RunSummary summary={run.summary} /> {ts("changes", run.changes)}
          </summary>
          <table>
            <thead>
              <tr>
                <th>{t("question")}</th>
                <th>{t("firstSource")}</th>
                <th>{t("passed")}</th>
                <th>{ts("change")}</th>
              </tr>
            </thead>
            <tbody>
              {run.results.map((result, index) => (
                <tr
                  key={index}
                  className={result.change === "broke" ? "error" : undefined}
                  data-change={result.change}
                >
                  <td dir="auto">{result.question}</td>
                  <td>{result.sources[0]?.title ?? "—"}</td>
                  <td>{result.passed ? t("yes") : t("no")}</td>
                  <td>
                    {result.change === "broke" ? (
                      <strong>{ts(`changeKinds.${result.change}`)}</strong>
                    ) : (
                      ts(`changeKinds.${result.change}`)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </div>
  );
}
