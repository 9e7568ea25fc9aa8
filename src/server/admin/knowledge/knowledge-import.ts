import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import TurndownService from "turndown";
import type { ChatDeps } from "../../chat/deps";
import type { AuditBy } from "../../chat/audit/audit-record";
import { splitTitle } from "../../chat/knowledge/articles";
import { AppError } from "../../errors/app-error";
import { fetchPage, IMPORT_USER_AGENT, type FetchLimits, type FetchOutcome } from "./fetch-page";
import type { ImportKnowledgeInput, ImportResultDto } from "./knowledge.schema";
import { storeImportedArticles, type ImportedDocument } from "./knowledge.service";
import { MAX_ARTICLE_CHARS } from "./knowledge.schema";

/**
 * Importing help articles: a page or a sitemap of pages (robots.txt respected, same origin only, page-count and
 * size limits, SSRF-safe fetching: fetch-page.ts), or an uploaded .md, .txt, .html or .pdf file. HTML becomes
 * markdown through Readability (the main content, without navigation) and Turndown. Re-importing the same URL
 * (or a file of the same name) updates its article in place.
 */
export interface ImportLimits extends FetchLimits {
  maxPages: number;
}

// ---- robots.txt ----

interface RobotsRule {
  allow: boolean;
  path: string;
}

/** The rules of robots.txt that apply to our user agent (its own group, else `*`). */
export function parseRobots(text: string, agent = IMPORT_USER_AGENT): RobotsRule[] {
  const token = agent.split("/")[0]!.toLowerCase();
  const groups: { agents: string[]; rules: RobotsRule[] }[] = [];
  let current: { agents: string[]; rules: RobotsRule[] } | undefined;
  let lastWasAgent = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, "").trim();
    const match = /^([a-z-]+)\s*:\s*(.*)$/i.exec(line);
    if (!match) continue;
    const field = match[1]!.toLowerCase();
    const value = match[2]!.trim();
    if (field === "user-agent") {
      if (!current || !lastWasAgent) groups.push((current = { agents: [], rules: [] }));
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
    } else {
      lastWasAgent = false;
      if (!current) continue;
      if (field === "disallow" && value !== "") current.rules.push({ allow: false, path: value });
      if (field === "allow" && value !== "") current.rules.push({ allow: true, path: value });
    }
  }
  const own = groups.filter((group) => group.agents.some((name) => name !== "*" && token.includes(name)));
  const chosen = own.length > 0 ? own : groups.filter((group) => group.agents.includes("*"));
  return chosen.flatMap((group) => group.rules);
}

function ruleMatches(rulePath: string, path: string): number {
  const anchored = rulePath.endsWith("$");
  const pattern = rulePath
    .replace(/\$$/, "")
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}${anchored ? "$" : ""}`).test(path) ? rulePath.length : -1;
}

/** Longest matching rule wins; Allow wins a tie; no match → allowed. */
export function robotsAllows(rules: RobotsRule[], path: string): boolean {
  let best: RobotsRule | undefined;
  let bestLength = -1;
  for (const rule of rules) {
    const length = ruleMatches(rule.path, path);
    if (length > bestLength || (length === bestLength && length >= 0 && rule.allow)) {
      best = rule;
      bestLength = length;
    }
  }
  return !best || bestLength < 0 || best.allow;
}

async function robotsFor(origin: string, limits: FetchLimits): Promise<RobotsRule[]> {
  const outcome = await fetchPage(`${origin}/robots.txt`, {
    ...limits,
    maxBytes: Math.min(limits.maxBytes, 500_000),
  });
  if (outcome.ok) return parseRobots(outcome.body.toString("utf8"));
  // No robots.txt (4xx): everything is allowed. The site failing (5xx, unreachable): assume nothing is.
  if (outcome.reason === "failed" && outcome.status !== undefined && outcome.status < 500) return [];
  if (outcome.reason === "refused") return [];
  return [{ allow: false, path: "/" }];
}

// ---- conversions ----

const turndown = new TurndownService({
  headingStyle: "atx",
  codeBlockStyle: "fenced",
  bulletListMarker: "-",
});
turndown.remove(["script", "style", "noscript", "iframe", "form"]);

/** An HTML page's main content as a title and markdown. */
export function htmlToArticle(html: string, fallbackTitle: string): { title: string; body: string } {
  const { document } = parseHTML(html);
  const pageTitle = document.querySelector("title")?.textContent?.trim() || "";
  const h1 = document.querySelector("h1")?.textContent?.trim() || "";
  const parsed = new Readability(document as unknown as Document).parse();
  const content = parsed?.content ?? document.querySelector("body")?.innerHTML ?? html;
  let markdown = turndown.turndown(content).trim();
  const title = (h1 || parsed?.title?.trim() || pageTitle || fallbackTitle)
    .replace(/\s+/g, " ")
    .slice(0, 200);
  // The title is its own field: drop a leading `# Title` the content repeats, and keep `#` for the title only.
  markdown = markdown.replace(/^#\s+.+\n+/, "").replace(/^# /gm, "## ");
  return { title, body: markdown };
}

/** Plain text (e.g. from a PDF) as markdown: paragraphs kept, line breaks inside them joined. */
function textToBody(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, " ").trim())
    .filter(Boolean)
    .join("\n\n");
}

async function pdfToArticle(
  bytes: Uint8Array,
  fallbackTitle: string,
): Promise<{ title: string; body: string }> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  const pdf = await getDocumentProxy(bytes);
  const { text } = await extractText(pdf, { mergePages: true });
  const metadata = await pdf.getMetadata().catch(() => undefined);
  const info = (metadata?.info ?? {}) as { Title?: unknown };
  const title = typeof info.Title === "string" && info.Title.trim() ? info.Title.trim() : fallbackTitle;
  return { title, body: textToBody(text) };
}

function titleFromName(name: string): string {
  const base = name
    .replace(/\.[^.]+$/, "")
    .replace(/[-_]+/g, " ")
    .trim();
  return base ? base[0]!.toUpperCase() + base.slice(1) : "Imported article";
}

function bounded(document: { title: string; body: string }): { title: string; body: string } {
  return {
    title: document.title.slice(0, 200) || "Imported article",
    body: document.body.slice(0, MAX_ARTICLE_CHARS),
  };
}

/**
 * An uploaded file as an article: created, or the article of a previous upload of that file name updated;
 * audited (knowledge.imported) with `by`.
 */
export async function importUploadedFile(
  deps: ChatDeps,
  file: { name: string; bytes: Uint8Array; published: boolean },
  limits: { maxBytes: number },
  by: AuditBy,
): Promise<ImportResultDto> {
  const name = file.name.split(/[\\/]/).pop()!.slice(0, 200) || "upload";
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (file.bytes.byteLength > limits.maxBytes)
    throw new AppError("KNOWLEDGE_IMPORT_TOO_LARGE", {
      params: { url: name, maxKb: Math.floor(limits.maxBytes / 1024) },
    });
  const fallback = titleFromName(name);
  let document: { title: string; body: string };
  const text = () => new TextDecoder().decode(file.bytes);
  switch (extension) {
    case "md":
    case "markdown":
      document = splitTitle(text(), fallback);
      break;
    case "txt":
      document = { title: fallback, body: textToBody(text()) };
      break;
    case "html":
    case "htm":
      document = htmlToArticle(text(), fallback);
      break;
    case "pdf":
      try {
        document = await pdfToArticle(new Uint8Array(file.bytes), fallback);
      } catch {
        throw new AppError("KNOWLEDGE_IMPORT_REFUSED", {
          params: { url: name, reason: "it is not a readable PDF." },
        });
      }
      break;
    default:
      throw new AppError("KNOWLEDGE_IMPORT_UNSUPPORTED_FILE", { params: { name } });
  }
  if (!document.body.trim()) throw new AppError("KNOWLEDGE_IMPORT_EMPTY", { params: { name } });
  const items = await storeImportedArticles(
    deps,
    [{ ...bounded(document), sourceUrl: `upload:${name}`, kind: "upload", published: file.published }],
    by,
  );
  return { items, skipped: [] };
}

// ---- URLs and sitemaps ----

function isSitemap(outcome: Extract<FetchOutcome, { ok: true }>): boolean {
  const start = outcome.body.subarray(0, 2000).toString("utf8");
  return /<(urlset|sitemapindex)[\s>]/i.test(start);
}

function sitemapLocations(xml: string): { pages: string[]; sitemaps: string[] } {
  const locs = (block: string) =>
    [...block.matchAll(/<loc>\s*([^<]+?)\s*<\/loc>/gi)].map((match) =>
      match[1]!.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"),
    );
  return /<sitemapindex[\s>]/i.test(xml)
    ? { pages: [], sitemaps: locs(xml) }
    : { pages: locs(xml), sitemaps: [] };
}

function refusal(url: string, outcome: Exclude<FetchOutcome, { ok: true }>, maxBytes: number): AppError {
  if (outcome.reason === "too_large")
    return new AppError("KNOWLEDGE_IMPORT_TOO_LARGE", {
      params: { url, maxKb: Math.floor(maxBytes / 1024) },
    });
  if (outcome.reason === "refused")
    return new AppError("KNOWLEDGE_IMPORT_REFUSED", { params: { url, reason: `${outcome.detail}.` } });
  return new AppError("KNOWLEDGE_IMPORT_FAILED", { params: { url, reason: outcome.detail } });
}

function reasonOf(outcome: Exclude<FetchOutcome, { ok: true }>): string {
  return outcome.reason === "too_large" ? "larger than the import limit" : outcome.detail;
}

/**
 * Imports a page, or every same-origin page of a sitemap (nested sitemaps followed, at most `maxPages` pages).
 * A single page that cannot be imported is an error; a sitemap's pages that cannot are listed in `skipped`.
 * Every page is fetched first, then all are stored in one transaction with one knowledge.imported entry (`by`).
 */
export async function importFromUrl(
  deps: ChatDeps,
  input: ImportKnowledgeInput,
  limits: ImportLimits,
  by: AuditBy,
): Promise<ImportResultDto> {
  const start = new URL(input.url);
  start.hash = "";
  const origin = start.origin;
  const rules = await robotsFor(origin, limits);
  const allowed = (url: URL) => robotsAllows(rules, url.pathname + url.search);
  if (!allowed(start))
    throw new AppError("KNOWLEDGE_IMPORT_REFUSED", {
      params: { url: start.toString(), reason: "the site's robots.txt does not allow it." },
    });
  const first = await fetchPage(start.toString(), limits);
  if (!first.ok) throw refusal(start.toString(), first, limits.maxBytes);

  const skipped: ImportResultDto["skipped"] = [];
  const documents: ImportedDocument[] = [];
  const store = (url: string, outcome: Extract<FetchOutcome, { ok: true }>) => {
    if (!/html|xml/i.test(outcome.contentType) && outcome.contentType !== "") {
      skipped.push({ url, reason: `not an HTML page (${outcome.contentType})` });
      return;
    }
    const document = htmlToArticle(outcome.body.toString("utf8"), new URL(url).pathname);
    if (!document.body.trim()) {
      skipped.push({ url, reason: "no text found" });
      return;
    }
    documents.push({ ...bounded(document), sourceUrl: url, kind: "url", published: input.published });
  };
  const stored = async (): Promise<ImportResultDto> => ({
    items: await storeImportedArticles(deps, documents, by, { skipped: skipped.length }),
    skipped,
  });

  if (!isSitemap(first)) {
    if (!/html/i.test(first.contentType))
      throw new AppError("KNOWLEDGE_IMPORT_REFUSED", {
        params: {
          url: start.toString(),
          reason: `it is not an HTML page or a sitemap (${first.contentType || "no type"}).`,
        },
      });
    store(start.toString(), first);
    if (documents.length === 0)
      throw new AppError("KNOWLEDGE_IMPORT_REFUSED", {
        params: { url: start.toString(), reason: "no text found on it." },
      });
    return stored();
  }

  // A sitemap: collect same-origin page URLs (nested sitemaps too), then import them one by one.
  const pages: string[] = [];
  const seen = new Set<string>();
  const sitemaps = [first];
  let sitemapFetches = 0;
  while (sitemaps.length > 0 && pages.length < limits.maxPages) {
    const { pages: found, sitemaps: nested } = sitemapLocations(sitemaps.shift()!.body.toString("utf8"));
    for (const location of nested) {
      let url: URL;
      try {
        url = new URL(location);
      } catch {
        continue;
      }
      if (url.origin !== origin || sitemapFetches >= limits.maxPages || !allowed(url)) continue;
      sitemapFetches += 1;
      const outcome = await fetchPage(url.toString(), limits);
      if (outcome.ok && isSitemap(outcome)) sitemaps.push(outcome);
    }
    for (const location of found) {
      let url: URL;
      try {
        url = new URL(location);
      } catch {
        skipped.push({ url: location, reason: "not a URL" });
        continue;
      }
      url.hash = "";
      const key = url.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      if (url.origin !== origin) skipped.push({ url: key, reason: "on another site (same origin only)" });
      else if (!allowed(url)) skipped.push({ url: key, reason: "refused by robots.txt" });
      else if (pages.length >= limits.maxPages)
        skipped.push({ url: key, reason: `over the page limit (${limits.maxPages})` });
      else pages.push(key);
    }
  }
  for (const page of pages) {
    const outcome = await fetchPage(page, limits);
    if (!outcome.ok) skipped.push({ url: page, reason: reasonOf(outcome) });
    else store(page, outcome);
  }
  return stored();
}
