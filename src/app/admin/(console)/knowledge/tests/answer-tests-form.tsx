"use client";

import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { AnswerTestRunDto } from "~/server/admin/knowledge/answer-tests";
import { useTRPC } from "~/trpc/react";
import { RunSummary } from "./run-summary";
import { SavedSuites } from "./saved-suites";

/** One question a line: `question | expected article, another` (nothing after `|`: it must decline). */
export function parseLines(text: string): { question: string; expected: string[] }[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [question = "", expected = ""] = line.split("|");
      return {
        question: question.trim(),
        expected: expected
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
      };
    })
    .filter((item) => item.question !== "");
}

/** Runs answer tests (admin.knowledge.runTests) and shows each question's outcome and the summary. */
export function AnswerTestsForm({ initial }: { initial: string }) {
  const t = useTranslations("AdminAnswerTests");
  const trpc = useTRPC();
  const [run, setRun] = useState<AnswerTestRunDto | null>(null);
  const [text, setText] = useState(initial);
  const tests = useMutation(trpc.admin.knowledge.runTests.mutationOptions({ onSuccess: setRun }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setRun(null);
    tests.mutate({ questions: parseLines(text) });
  }

  const mark = (value: boolean) => (value ? "✓" : "—");
  return (
    <>
      <form onSubmit={onSubmit}>
        <label>
          {t("questions")}
          <textarea
            name="questions"
            rows={10}
            cols={80}
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder={t("placeholder")}
            required
          />
        </label>
        <p className="muted">{t("format")}</p>
        <button type="submit" disabled={tests.isPending}>
          {tests.isPending ? t("running") : t("run")}
        </button>
        {tests.error && (
          <span role="alert" className="error">
            {tests.error.message}
          </span>
        )}
      </form>
      <SavedSuites text={text} onLoad={setText} />
      {run && (
        <section aria-label={t("results")} data-testid="answer-test-results">
          <p role="status">
            <RunSummary summary={run.summary} />
          </p>
          <table>
            <thead>
              <tr>
                <th>{t("question")}</th>
                <th>{t("firstSource")}</th>
                <th>{t("top1")}</th>
                <th>{t("top3")}</th>
                <th>{t("declined")}</th>
                <th>{t("passed")}</th>
              </tr>
            </thead>
            <tbody>
              {run.results.map((result, index) => (
                <tr key={index}>
                  <td>{result.question}</td>
                  <td>
                    {result.sources[0] ? (
                      <a href={result.sources[0].url} target="_blank" rel="noreferrer">
                        {result.sources[0].title}
                      </a>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>{result.expected.length > 0 ? mark(result.top1) : ""}</td>
                  <td>{result.expected.length > 0 ? mark(result.top3) : ""}</td>
                  <td>{mark(result.declined)}</td>
                  <td>{result.passed ? t("yes") : t("no")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
