"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { ImportResultDto } from "~/server/admin/knowledge/knowledge.schema";
import { useTRPC } from "~/trpc/react";

/** Import from a page or sitemap URL (admin.knowledge.import), or upload a file (POST /api/admin/knowledge/upload/). */
export function KnowledgeImport() {
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
      setUploadError("The upload failed: check your connection and try again.");
    } finally {
      setUploading(false);
    }
  }

  return (
    <details style={{ margin: "12px 0" }}>
      <summary>Import articles</summary>
      <form className="filters" onSubmit={onUrl}>
        <label>
          Page or sitemap URL
          <input name="url" type="url" required placeholder="https://example.com/sitemap.xml" size={40} />
        </label>
        <button type="submit" disabled={fromUrl.isPending}>
          {fromUrl.isPending ? "Importing…" : "Import"}
        </button>
        {fromUrl.error && (
          <span role="alert" className="error">
            {fromUrl.error.message}
          </span>
        )}
      </form>
      <form className="filters" onSubmit={onUpload}>
        <label>
          File (.md, .txt, .html, .pdf)
          <input name="file" type="file" required accept=".md,.markdown,.txt,.html,.htm,.pdf" />
        </label>
        <button type="submit" disabled={uploading}>
          {uploading ? "Uploading…" : "Upload"}
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
              {item.status}: <a href={`/admin/knowledge/${item.article.id}`}>{item.article.title}</a>
            </div>
          ))}
          {result.skipped.map((entry) => (
            <div key={entry.url} className="muted">
              skipped {entry.url}: {entry.reason}
            </div>
          ))}
        </div>
      )}
    </details>
  );
}
