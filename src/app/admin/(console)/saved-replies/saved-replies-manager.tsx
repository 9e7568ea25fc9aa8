"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import type { FormEvent } from "react";
import type { CannedResponseDto } from "~/server/admin/canned-responses/canned-responses.schema";
import { MESSAGE_MAX_CHARS } from "~/shared/limits";
import { SAVED_REPLY_SHORTCUT_MAX_CHARS } from "~/shared/saved-replies";
import { useTRPC } from "~/trpc/react";
import { SubmitWithError } from "../../_components/secret-once";

/** Create, change and delete saved replies over tRPC (admin.cannedResponses). */
export function SavedRepliesManager({ initial }: { initial: { items: CannedResponseDto[] } }) {
  const t = useTranslations("AdminSavedReplies");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const replies = useQuery(trpc.admin.cannedResponses.list.queryOptions(undefined, { initialData: initial }));
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.admin.cannedResponses.list.queryKey() });
  const create = useMutation(trpc.admin.cannedResponses.create.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(trpc.admin.cannedResponses.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.admin.cannedResponses.delete.mutationOptions({ onSuccess: refresh }));

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    create.mutate(
      { shortcut: String(data.get("shortcut") ?? ""), content: String(data.get("content") ?? "") },
      { onSuccess: () => form.reset() },
    );
  }

  function onSave(event: FormEvent<HTMLFormElement>, id: string) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    update.mutate({
      id,
      shortcut: String(data.get("shortcut") ?? ""),
      content: String(data.get("content") ?? ""),
    });
  }

  return (
    <>
      <form className="saved-reply" onSubmit={onCreate} data-testid="new-saved-reply">
        <h2>{t("new")}</h2>
        <Fields />
        <SubmitWithError pending={create.isPending} error={create.error}>
          {t("create")}
        </SubmitWithError>
      </form>
      {replies.data.items.length === 0 && <p className="muted">{t("none")}</p>}
      {(update.error ?? remove.error) && (
        <p className="error" role="alert">
          {(update.error ?? remove.error)?.message}
        </p>
      )}
      {replies.data.items.map((reply) => (
        <form key={reply.id} className="saved-reply" onSubmit={(event) => onSave(event, reply.id)}>
          <Fields shortcut={reply.shortcut} content={reply.content} />
          <button type="submit" disabled={update.isPending}>
            {t("save")}
          </button>{" "}
          <button
            type="button"
            className="secondary"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(t("confirmDelete", { shortcut: reply.shortcut })))
                remove.mutate({ id: reply.id });
            }}
          >
            {t("delete")}
          </button>
        </form>
      ))}
    </>
  );
}

function Fields({ shortcut, content }: { shortcut?: string; content?: string }) {
  const t = useTranslations("AdminSavedReplies");
  return (
    <>
      <label>
        {t("shortcut")}
        <input name="shortcut" required maxLength={SAVED_REPLY_SHORTCUT_MAX_CHARS} defaultValue={shortcut} />
      </label>
      <label>
        {t("content")}
        <textarea name="content" required rows={3} maxLength={MESSAGE_MAX_CHARS} defaultValue={content} />
      </label>
    </>
  );
}
