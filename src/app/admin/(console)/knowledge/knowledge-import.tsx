"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { ImportResultDto } from "~/server/admin/knowledge/knowledge.schema";
import { useTRPC } from "~/trpc/react";

/**
 * Import from a page or sitemap URL (admin.knowledge.import), or upload files or a .zip
 * (POST /api/admin/knowledge/upload/); the result lists what was kept, split or skipped and why.
 */
export function KnowledgeImport() {
  const t = useTranslations("AdminKnowledge.import");
  const trpc = useTRPC();
  const router = useRouter();
  const [result, setResult] = useState<ImportResultDto | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const fromUrl = useMutation(
    trpc.admin.knowledge.import.mutationOptions({
      onSuccess: (data) => {
        setResult(data);
        router.refresh();
      },
    }),
  );

  function onUrl(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setResult(null);
    fromUrl.mutate({ url: String(new FormData(event.currentTarget).get("url") ?? ""), published: true });
  }

  async function onUpload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setResult(null);
    setUploadError(null);
    setUploading(true);
    try {
      const response = await fetch("/api/admin/knowledge/upload/", {
        method: "POST",
        body: new FormData(event.currentTarget),
      });
      const body = (await response.json()) as { success: boolean; message: string; data?: ImportResultDto };
      if (!body.success || !body.data) setUploadError(body.message);
      else {
        setResult(body.data);
        router.refresh();
      }
    } catch {
      setUploadError(t("uploadFailed"));
    } finally {
      setUploading(false);
    }
  }

  return (
    <details style={{ marginBlock: 12 }}>
      <summary>{t("summary")}</summary>
      <form className="filters" onSubmit={onUrl}>
        <label>
          {t("url")}
          <input name="url" type="url" required placeholder={t("urlPlaceholder")} size={40} />
        </label>
        <button type="submit" disabled={fromUrl.isPending}>
          {fromUrl.isPending ? t("importing") : t("importButton")}
        </button>
        {fromUrl.error && (
          <span role="alert" className="error">
            {fromUrl.error.message}
          </span>
        )}
      </form>
      <form className="filters" onSubmit={onUpload}>
        <label>
          {t("file")}
          <input name="file" type="file" required multiple accept=".md,.markdown,.txt,.html,.htm,.pdf,.zip" />
        </label>
        <button type="submit" disabled={uploading}>
          {uploading ? t("uploading") : t("uploadButton")}
        </button>
        {uploadError && (
          <span role="alert" className="error">
            {uploadError}
          </span>
        )}
      </form>
      {result && (
        <div className="notice" role="status">
          {result.items.map((item) => (
            <div key={item.article.id}>
              {t.rich(`status.${item.status}`, {
                title: item.article.title,
                link: (chunks) => <a href={`/admin/knowledge/${item.article.id}`}>{chunks}</a>,
              })}
            </div>
          ))}
          {result.report
            .filter((entry) => entry.outcome === "split")
            .map((entry) => (
              <div key={entry.source}>
                {t("split", { title: entry.title ?? entry.source, parts: entry.parts })}
              </div>
            ))}
          {result.skipped.map((entry) => (
            <div key={entry.url} className="muted">
              {t("skipped", { url: entry.url, reason: entry.reason })}
            </div>
          ))}
        </div>
      )}
    </details>
  );
}
