"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { useTRPC } from "~/trpc/react";
import { ANSWER_TEST_SUITE_NAME_MAX_CHARS } from "~/shared/limits";

const NEW = "";

/**
 * "Add to suite" on a knowledge gap: the question goes into a saved answer-test suite (appended once,
 * admin.knowledge.updateSuite with add_questions), or into a new suite made for it. Expected articles are left
 * empty: the admin fills them on /admin/knowledge/tests once an article answers it.
 */
export function AddToSuite({ question }: { question: string }) {
  const t = useTranslations("AdminGaps");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const suites = useQuery(trpc.admin.knowledge.listSuites.queryOptions());
  const [choice, setChoice] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const onSuccess = (suite: { name: string }) => {
    setDone(suite.name);
    setName("");
    void queryClient.invalidateQueries({ queryKey: trpc.admin.knowledge.listSuites.queryKey() });
  };
  const add = useMutation(trpc.admin.knowledge.updateSuite.mutationOptions({ onSuccess }));
  const create = useMutation(trpc.admin.knowledge.createSuite.mutationOptions({ onSuccess }));
  const items = suites.data?.items ?? [];
  const selected = choice ?? items[0]?.id ?? NEW;

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    const questions = [{ question, expected: [] }];
    if (selected === NEW) create.mutate({ name, questions });
    else add.mutate({ id: selected, add_questions: questions });
  }
  const error = add.error ?? create.error;
  return (
    <form className="add-to-suite" onSubmit={submit} data-testid="add-to-suite">
      <label>
        {t("suite")}{" "}
        <select value={selected} onChange={(event) => setChoice(event.target.value)}>
          {items.map((suite) => (
            <option key={suite.id} value={suite.id}>
              {suite.name}
            </option>
          ))}
          <option value={NEW}>{t("newSuite")}</option>
        </select>
      </label>{" "}
      {selected === NEW && (
        <input
          aria-label={t("newSuiteName")}
          placeholder={t("newSuiteName")}
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          maxLength={ANSWER_TEST_SUITE_NAME_MAX_CHARS}
        />
      )}{" "}
      <button type="submit" className="secondary" disabled={add.isPending || create.isPending}>
        {t("addToSuite")}
      </button>
      {done && <span role="status"> {t("added", { name: done })}</span>}
      {error && (
        <span role="alert" className="error">
          {" "}
          {t("addFailed", { message: error.message })}
        </span>
      )}
    </form>
  );
}
