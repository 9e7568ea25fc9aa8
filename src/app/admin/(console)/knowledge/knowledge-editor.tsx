"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { ARTICLE_BODY_MAX_CHARS, ARTICLE_SLUG_MAX_CHARS, ARTICLE_TITLE_MAX_CHARS } from "~/shared/limits";
import { useTRPC } from "~/trpc/react";

interface Draft {
  title: string;
  slug: string;
  body: string;
  published: boolean;
}

/**
 * Writes or edits a help article: title, optional slug, markdown body with a live preview, published. The preview
 * is sanitized: react-markdown renders no raw HTML (skipHtml) and drops javascript: and other unsafe link targets.
 */
export function KnowledgeEditor({ id, initial }: { id?: string; initial: Draft }) {
  const t = useTranslations("AdminKnowledge.editor");
  const trpc = useTRPC();
  const router = useRouter();
  const [draft, setDraft] = useState<Draft>(initial);
  const [saved, setSaved] = useState(false);
  const set = (change: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...change }));
    setSaved(false);
  };
  const create = useMutation(
    trpc.admin.knowledge.create.mutationOptions({
      onSuccess: (article) => router.push(`/admin/knowledge/${article.id}`),
    }),
  );
  const update = useMutation(
    trpc.admin.knowledge.update.mutationOptions({
      onSuccess: (article) => {
        setDraft({
          title: article.title,
          slug: article.slug,
          body: article.body,
          published: article.published,
        });
        setSaved(true);
        router.refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.admin.knowledge.delete.mutationOptions({
      onSuccess: () => {
        router.push("/admin/knowledge");
        router.refresh();
      },
    }),
  );
  const pending = create.isPending || update.isPending || remove.isPending;
  const error = create.error ?? update.error ?? remove.error;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const slug = draft.slug.trim() || undefined;
    if (id) update.mutate({ id, title: draft.title, body: draft.body, slug, published: draft.published });
    else create.mutate({ title: draft.title, body: draft.body, slug, published: draft.published });
  }

  return (
    <form onSubmit={onSubmit} className="knowledge-editor">
      <div style={{ display: "flex", gap: 16, flexWrap: "wrap" }}>
        <label style={{ flex: "2 1 320px" }}>
          {t("title")}
          <input
            name="title"
            required
            maxLength={ARTICLE_TITLE_MAX_CHARS}
            value={draft.title}
            onChange={(event) => set({ title: event.target.value })}
            style={{ inlineSize: "100%" }}
          />
        </label>
        <label style={{ flex: "1 1 200px" }}>
          {t("slug")}
          <input
            name="slug"
            maxLength={ARTICLE_SLUG_MAX_CHARS}
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
            placeholder={t("slugPlaceholder")}
            value={draft.slug}
            onChange={(event) => set({ slug: event.target.value })}
            style={{ inlineSize: "100%" }}
          />
        </label>
        <label style={{ alignSelf: "end" }}>
          <input
            type="checkbox"
            name="published"
            checked={draft.published}
            onChange={(event) => set({ published: event.target.checked })}
          />{" "}
          {t("published")}
        </label>
      </div>
      <div style={{ display: "flex", gap: 16, flexWrap: "wrap", marginBlockStart: 12 }}>
        <label style={{ flex: "1 1 420px" }}>
          {t.rich("markdown", { code: (chunks) => <code>{chunks}</code> })}
          <textarea
            name="body"
            rows={24}
            maxLength={ARTICLE_BODY_MAX_CHARS}
            value={draft.body}
            onChange={(event) => set({ body: event.target.value })}
            style={{ inlineSize: "100%", fontFamily: "monospace" }}
          />
        </label>
        <section
          aria-label={t("preview")}
          style={{ flex: "1 1 420px", border: "1px solid #ddd", paddingBlock: 0, paddingInline: 16 }}
        >
          <h1>{draft.title || t("untitled")}</h1>
          <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml>
            {draft.body}
          </ReactMarkdown>
        </section>
      </div>
      <p style={{ display: "flex", gap: 8, alignItems: "center" }}>
        <button type="submit" disabled={pending}>
          {id ? t("save") : t("create")}
        </button>
        {id && (
          <>
            <button
              type="button"
              className="secondary"
              disabled={pending}
              onClick={() => update.mutate({ id, published: !initial.published })}
            >
              {initial.published ? t("unpublish") : t("publish")}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={pending}
              onClick={() => {
                if (window.confirm(t("confirmDelete", { title: initial.title }))) remove.mutate({ id });
              }}
            >
              {t("delete")}
            </button>
          </>
        )}
        {saved && <span role="status">{t("saved")}</span>}
        {error && (
          <span role="alert" className="error">
            {error.message}
          </span>
        )}
      </p>
    </form>
  );
}
