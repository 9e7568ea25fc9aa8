import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { env } from "~/env";
import { headingAnchor } from "~/server/chat/responder/knowledge-base";

/** The help articles the assistant answers from, readable in full: the targets of its "Sources" links. */
interface Props {
  params: Promise<{ article: string }>;
}

async function readArticle(slug: string): Promise<string | null> {
  if (!/^[a-z0-9-]+$/.test(slug)) return null;
  try {
    return await readFile(path.resolve(env.KNOWLEDGE_DIR, `${slug}.md`), "utf8");
  } catch {
    return null;
  }
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
