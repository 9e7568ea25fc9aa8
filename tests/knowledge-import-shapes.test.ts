/**
 * Faithful import (issue 22): one real page per documentation shape (tests/fixtures/knowledge/shapes, sources and
 * licences in SOURCES.md) uploaded together in one request; each stored article keeps ≥ 98 % of the page's visible
 * main text (word multiset, normalised), has no heading the page does not have (a `# comment` in code stays
 * code), keeps the page's title and one-line summary, and has no needless markdown escapes (`\-p`). On both
 * databases.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseHTML } from "linkedom";
import { beforeAll, expect, it } from "vitest";
import { importUploadedFiles } from "~/server/admin/knowledge/knowledge-import";
import { getKnowledgeArticle } from "~/server/admin/knowledge/knowledge.service";
import type { ImportResultDto } from "~/server/admin/knowledge/knowledge.schema";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";

const DIR = path.resolve("tests/fixtures/knowledge/shapes");

interface Shape {
  file: string;
  title: string;
  summary: string;
  /** The page's visible main text and its headings, as a reader would delimit them. */
  main(source: string): { text: string; headings: string[] };
}

function fromHtml(html: string, selectors: string[]) {
  const { document } = parseHTML(html);
  const elements = selectors.flatMap((selector) => [...document.querySelectorAll(selector)]);
  for (const element of elements)
    for (const junk of [...element.querySelectorAll("script, style, .headerlink, button, form")])
      junk.remove();
  return {
    text: elements.map((element) => element.textContent ?? "").join("\n"),
    // Headings may come from anywhere on the page (a fake one would be in none).
    headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(
      (heading) => heading.textContent ?? "",
    ),
  };
}

const SHAPES: Shape[] = [
  {
    file: "sphinx-enlighten-patterns.html",
    title: "Common Patterns",
    summary: "A program may want to disable progress bars based on a configuration setting",
    main: (html) => fromHtml(html, ["[itemprop=articleBody]"]),
  },
  {
    file: "mkdocs-literate-nav-index.html",
    title: "mkdocs-literate-nav",
    summary: "Plugin for MkDocs to specify the navigation in Markdown instead of YAML",
    main: (html) => fromHtml(html, ["article.md-content__inner"]),
  },
  {
    file: "man2html-tar.html",
    title: "TAR",
    summary: "tar - an archiving utility",
    // The manual page itself: from its first section to man2html's index of sections.
    main: (html) => ({
      text: fromHtml(`<div>${html.slice(html.indexOf("<H2>"), html.indexOf('<A NAME="index">'))}</div>`, [
        "div",
      ]).text,
      headings: fromHtml(html, ["body"]).headings,
    }),
  },
  {
    file: "asciidoctor-readme.html",
    title: "Asciidoctor",
    summary: "Asciidoctor is a fast, open source, Ruby-based text processor",
    main: (html) => fromHtml(html, ["#header", "#content"]),
  },
  {
    file: "zendesk-enlighten-faq.html",
    title: "Frequently Asked Questions",
    summary: "Answers to common questions about Enlighten progress bars",
    main: (html) => fromHtml(html, [".article-title", ".article-body"]),
  },
  {
    file: "markdown-unpdf-readme.md",
    title: "unpdf",
    summary: "Utilities for PDF extraction and rendering across all JavaScript runtimes",
    main: (markdown) => {
      const outside = markdown.replace(/^```[\s\S]*?^```/gm, "");
      return {
        text: visible(markdown.replace(/^#\s+.*$/m, "")),
        headings: [...outside.matchAll(/^#{2,6}\s+(.+)$/gm)].map((match) => match[1]!),
      };
    },
  },
];

/** Markdown as the text a reader sees: link targets, fences, heading and emphasis markers and escapes dropped. */
function visible(markdown: string): string {
  // Code blocks are shown as they are; only the text around them is markdown.
  return markdown
    .split(/^(\s*(?:```|~~~).*\n[\s\S]*?^\s*(?:```|~~~)\s*$)/m)
    .map((part, index) =>
      index % 2 === 1
        ? part.replace(/^\s*(```|~~~).*$/gm, "")
        : part
            .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
            .replace(/<(https?:[^>]+)>/g, "$1")
            .replace(/`([^`]*)`/g, "$1")
            .replace(/\\([!-/:-@[-`{-~])/g, "$1"),
    )
    .join("");
}

const words = (text: string) =>
  (
    text
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((word) => word.length > 0);

/** The share of the page's words (counted with repeats) that the article has. */
function kept(pageText: string, articleText: string): number {
  const available = new Map<string, number>();
  for (const word of words(articleText)) available.set(word, (available.get(word) ?? 0) + 1);
  const page = words(pageText);
  let found = 0;
  for (const word of page) {
    const left = available.get(word) ?? 0;
    if (left > 0) {
      found += 1;
      available.set(word, left - 1);
    }
  }
  return found / page.length;
}

const norm = (text: string) =>
  text
    .replace(/[\s\u00a0]+/g, " ")
    .replace(/[¶#]/g, "")
    .trim()
    .toLowerCase();

/** `## ` … headings outside code fences. */
function headingsOf(markdown: string): string[] {
  const headings: string[] = [];
  let fence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    else if (!fence && /^#{1,6}\s/.test(line)) headings.push(line.replace(/^#{1,6}\s+/, ""));
  }
  return headings;
}

describeEachDatabase("import of real documentation pages", (database) => {
  let result: ImportResultDto;
  const bodies = new Map<string, { title: string; body: string; parts: number }>();

  beforeAll(async () => {
    const deps = testDeps(database());
    result = await importUploadedFiles(
      deps,
      {
        files: SHAPES.map((shape) => ({ name: shape.file, bytes: readFileSync(path.join(DIR, shape.file)) })),
        published: true,
      },
      { maxBytes: 2_000_000 },
      TEST_BY,
    );
    for (const shape of SHAPES) {
      const source = `upload:${shape.file}`;
      const items = result.items.filter(
        (item) =>
          item.article.source_url === source || item.article.source_url?.startsWith(`${source}#part-`),
      );
      const articles = await Promise.all(
        items.map((item) => getKnowledgeArticle(deps, { id: item.article.id })),
      );
      bodies.set(shape.file, {
        title: articles[0]?.title ?? "",
        body: articles.map((article) => article.body).join("\n\n"),
        parts: articles.length,
      });
    }
  }, 120_000);

  it("reports every file kept (or split), none refused", () => {
    expect(result.report.map((entry) => [entry.source, entry.outcome])).toEqual(
      SHAPES.map((shape) => [`upload:${shape.file}`, expect.stringMatching(/^(kept|split)$/)]),
    );
  });

  for (const shape of SHAPES)
    it(`${shape.file}: ≥ 98 % of the text, its title and summary, no fake headings, no needless escapes`, () => {
      const stored = bodies.get(shape.file)!;
      const source = readFileSync(path.join(DIR, shape.file), "utf8");
      const page = shape.main(source);
      const share = kept(page.text, visible(stored.body));
      expect(share, `${shape.file}: ${(share * 100).toFixed(1)} % kept`).toBeGreaterThanOrEqual(0.98);
      expect(stored.title.replace(/ \(part 1\)$/, "")).toBe(shape.title);
      expect(norm(visible(stored.body))).toContain(norm(shape.summary));
      const pageHeadings = new Set(page.headings.map((heading) => norm(visible(heading))));
      for (const heading of headingsOf(stored.body))
        expect(
          pageHeadings.has(norm(visible(heading))),
          `heading "${heading}" is not one of the page's`,
        ).toBe(true);
      expect(stored.body).not.toMatch(/\\[-a-z]/i);
    });
});
