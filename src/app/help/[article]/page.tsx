import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { articleMarkdown, findPublishedArticle } from "~/server/chat/knowledge/articles";
import { headingAnchor } from "~/server/chat/responder/knowledge-base";
import { getChatDeps } from "~/server/runtime/runtime";

/**
 * The help articles the assistant answers from, readable in full: the targets of its "Sources" links. Read per
 * request, so an edit is visible at once. Raw HTML in the markdown is not rendered (react-markdown escapes it).
 */
export const dynamic = "force-dynamic";

interface Props {
  params: Promise<{ article: string }>;
}

/** A published article from the database (edited in /admin/knowledge), as markdown; null if there is none. */
async function readArticle(slug: string): Promise<string | null> {
  const article = await findPublishedArticle((await getChatDeps()).db, slug);
  return article ? articleMarkdown(article) : null;
}

function textOf(children: ReactNode): string {
  if (typeof children === "string" || typeof children === "number") return String(children);
  if (Array.isArray(children)) return children.map(textOf).join("");
  return "";
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const markdown = await readArticle((await params).article);
  return { title: `${/^#\s+(.+)$/m.exec(markdown ?? "")?.[1] ?? "Help"} — Visitor Chat help` };
}

export default async function HelpArticlePage({ params }: Props) {
  const markdown = await readArticle((await params).article);
  if (markdown === null) notFound();
  return (
    <main style={{ maxWidth: 720, margin: "0 auto", padding: "40px 20px", lineHeight: 1.6 }}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        components={{
          h2: ({ children }) => <h2 id={headingAnchor(textOf(children))}>{children}</h2>,
        }}
      >
        {markdown}
      </ReactMarkdown>
    </main>
  );
}
