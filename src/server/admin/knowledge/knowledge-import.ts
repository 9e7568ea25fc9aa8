import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { splitTitle } from "../../chat/knowledge/articles";
import { AppError } from "../../errors/app-error";
import { removeControlChars } from "./external-text";
import { fetchPage, IMPORT_USER_AGENT, type FetchLimits, type FetchOutcome } from "./fetch-page";
import type { ImportKnowledgeInput, ImportReportEntry, ImportResultDto } from "./knowledge.schema";
import { MAX_ARTICLE_CHARS } from "./knowledge.schema";
import { storeImportedArticles, type ImportedDocument } from "./knowledge.service";
import { ParseFailure, ParseSession } from "./parse-runner";
import { textToBody } from "./parse-tasks";
import { parseRobots as parseRobotsFor, robotsAllows, type RobotsRule } from "./robots";

/**
 * Importing help articles: a page or a sitemap of pages (robots.txt respected, same origin only, page-count and
 * size limits, SSRF-safe fetching: fetch-page.ts), or uploaded files (.md, .txt, .html, .pdf, or a .zip of them).
 *
 * Untrusted content is parsed in a worker thread (parse-runner.ts: HTML → article, PDF → text, robots.txt,
 * sitemaps, .zip), each task within a deadline and a memory limit, so a hostile page never stalls the instance;
 * the whole import has its own deadline. A page longer than an article may be is split at its headings into
 * "Title (part n)" articles, never cut. Every source gets a line in the import's report: kept, split or refused,
 * and why. Re-importing the same URL (or a file of the same name) updates its articles in place.
 */
export interface ImportLimits extends FetchLimits {
  maxPages: number;
  /** The whole import (KNOWLEDGE_IMPORT_DEADLINE_MS). */
  deadlineMs?: number;
  /** One parse task in the worker (KNOWLEDGE_IMPORT_PARSE_TIMEOUT_MS). */
  parseTimeoutMs?: number;
  /** The worker's heap (KNOWLEDGE_IMPORT_PARSE_MEMORY_MB). */
  parseMemoryMb?: number;
}

export const IMPORT_DEFAULTS = { deadlineMs: 120_000, parseTimeoutMs: 10_000, parseMemoryMb: 256 } as const;

/** A PDF: at most this many pages, and this many bytes once its compressed streams are inflated. */
export const PDF_MAX_PAGES = 500;
export const PDF_MAX_INFLATED_BYTES = 64 * 1024 * 1024;
/** A .zip: at most this many files, and this many bytes once inflated (each file: KNOWLEDGE_IMPORT_MAX_BYTES). */
export const ZIP_MAX_FILES = 1000;
export const ZIP_MAX_INFLATED_BYTES = 100 * 1024 * 1024;
/** Locations read from one sitemap (the protocol's own limit). */
const SITEMAP_MAX_LOCATIONS = 50_000;
/** Pages over the page limit listed one by one in the report; the rest are counted in one line. */
const REPORTED_OVER_LIMIT = 100;

export { robotsAllows };
/** The rules of robots.txt that apply to the importer (its own group, else `*`). */
export function parseRobots(text: string, agent = IMPORT_USER_AGENT): RobotsRule[] {
  return parseRobotsFor(text, agent);
}

// ---- the parts of a long document ----

interface Block {
  text: string;
  /** 2 for a `## ` heading, 3 for `### ` …, 7 for a paragraph, 8 for a line. */
  level: number;
}

/** Splits markdown before each line that `starts` a block (code fences are never split, nor looked into). */
function blocksOf(markdown: string, level: number): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  let current: string[] = [];
  let fence: string | undefined;
  let previousBlank = false;
  for (const line of lines) {
    const fenceMatch = /^\s*(`{3,}|~{3,})/.exec(line);
    const starts =
      fence === undefined &&
      current.length > 0 &&
      (level <= 6
        ? line.startsWith(`${"#".repeat(level)} `)
        : level === 7
          ? previousBlank && line !== ""
          : true);
    if (starts) {
      blocks.push({ text: current.join("\n"), level });
      current = [];
    }
    current.push(line);
    if (fenceMatch) {
      if (fence === undefined) fence = fenceMatch[1]![0]!.repeat(fenceMatch[1]!.length);
      else if (line.trim().startsWith(fence)) fence = undefined;
    }
    previousBlank = line.trim() === "";
  }
  if (current.length > 0) blocks.push({ text: current.join("\n"), level });
  return blocks;
}

/** Pieces of at most `max` characters, cut at the largest boundary that works: `##`, `###` … paragraphs, lines. */
function piecesOf(markdown: string, max: number, level = 2): string[] {
  if (markdown.length <= max) return [markdown];
  if (level > 8) {
    // One line longer than an article: cut it (said in the report as a split, nothing is lost).
    const pieces: string[] = [];
    for (let index = 0; index < markdown.length; index += max)
      pieces.push(markdown.slice(index, index + max));
    return pieces;
  }
  if (level === 8) return packLines(markdown, max);
  const blocks = blocksOf(markdown, level);
  if (blocks.length === 1) return piecesOf(markdown, max, level + 1);
  const pieces: string[] = [];
  let current = "";
  for (const block of blocks.flatMap((entry) => piecesOf(entry.text, max, level + 1))) {
    if (current && current.length + 1 + block.length > max) {
      pieces.push(current);
      current = block;
    } else current = current ? `${current}\n${block}` : block;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Lines packed into pieces; a code block cut in two is closed at the cut and opened again after it. */
function packLines(markdown: string, max: number): string[] {
  const pieces: string[] = [];
  let current: string[] = [];
  let size = 0;
  let fence: string | undefined;
  const margin = 16;
  for (const line of markdown.split("\n")) {
    if (line.length + margin > max) {
      if (current.length > 0) pieces.push([...current, ...(fence ? [fence] : [])].join("\n"));
      for (let index = 0; index < line.length; index += max - margin)
        pieces.push(line.slice(index, index + max - margin));
      current = fence ? [fence] : [];
      size = current.join("\n").length;
      continue;
    }
    if (size + line.length + 1 + margin > max && current.length > 0) {
      pieces.push([...current, ...(fence ? [fence] : [])].join("\n"));
      current = fence ? [fence] : [];
      size = fence ? fence.length : 0;
    }
    current.push(line);
    size += line.length + 1;
    const fenceMatch = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (fence === undefined) fence = fenceMatch[1]!;
      else if (line.trim().startsWith(fence[0]!.repeat(3))) fence = undefined;
    }
  }
  if (current.length > 0) pieces.push(current.join("\n"));
  return pieces;
}

/** A document as one article, or split into "Title (part n)" articles of at most `max` characters each. */
export function splitDocument(
  document: { title: string; body: string },
  max: number = MAX_ARTICLE_CHARS,
): { title: string; body: string }[] {
  const title = document.title.replace(/\s+/g, " ").trim().slice(0, 200) || "Imported article";
  const pieces = piecesOf(document.body.trim(), max)
    .map((piece) => piece.trim())
    .filter(Boolean);
  if (pieces.length <= 1) return [{ title, body: pieces[0] ?? "" }];
  return pieces.map((body, index) => {
    const suffix = ` (part ${index + 1})`;
    return { title: `${title.slice(0, 200 - suffix.length)}${suffix}`, body };
  });
}

// ---- one import: its worker, deadline, documents and report ----

class ImportRun {
  readonly parser: ParseSession;
  readonly deadline: AbortSignal;
  private readonly endsAt: number;
  readonly documents: ImportedDocument[] = [];
  readonly report: ImportReportEntry[] = [];
  readonly skipped: ImportResultDto["skipped"] = [];

  constructor(
    private readonly limits: Pick<ImportLimits, "deadlineMs" | "parseTimeoutMs" | "parseMemoryMb">,
    readonly published: boolean,
  ) {
    const deadlineMs = limits.deadlineMs ?? IMPORT_DEFAULTS.deadlineMs;
    this.deadline = AbortSignal.timeout(deadlineMs);
    this.endsAt = Date.now() + deadlineMs;
    this.parser = new ParseSession({
      timeoutMs: limits.parseTimeoutMs ?? IMPORT_DEFAULTS.parseTimeoutMs,
      maxMemoryMb: limits.parseMemoryMb ?? IMPORT_DEFAULTS.parseMemoryMb,
    });
  }

  /** What is left of the import's deadline for a parse task. */
  remainingMs(): number {
    return Math.max(1, this.endsAt - Date.now());
  }

  overDeadline(): boolean {
    return this.deadline.aborted;
  }

  refuse(source: string, reason: string, inSkipped = true): void {
    this.report.push({ source, outcome: "refused", parts: 0, chars: 0, title: null, reason });
    if (inSkipped) this.skipped.push({ url: source, reason });
  }

  /** Keeps a converted document: one article, or several parts when it is longer than an article may be. */
  keep(source: string, kind: ImportedDocument["kind"], document: { title: string; body: string }): void {
    const clean = { title: removeControlChars(document.title), body: removeControlChars(document.body) };
    const parts = splitDocument(clean);
    parts.forEach((part, index) =>
      this.documents.push({
        ...part,
        sourceUrl: index === 0 ? source : `${source}#part-${index + 1}`,
        kind,
        published: this.published,
        partsOf: index === 0 ? { source, count: parts.length } : undefined,
      }),
    );
    this.report.push({
      source,
      outcome: parts.length > 1 ? "split" : "kept",
      parts: parts.length,
      chars: clean.body.length,
      title: parts[0]!.title.replace(/ \(part 1\)$/, ""),
      reason:
        parts.length > 1
          ? `longer than an article may be (${MAX_ARTICLE_CHARS} characters): split at its headings into ${parts.length} articles.`
          : null,
    });
  }

  async store(deps: ChatDeps, by: AuditBy): Promise<ImportResultDto> {
    const items = await storeImportedArticles(deps, this.documents, by, { skipped: this.skipped.length });
    return { items, skipped: this.skipped, report: this.report };
  }

  close(): Promise<void> {
    return this.parser.close();
  }
}

function parseRefusal(source: string, error: unknown): AppError {
  if (error instanceof ParseFailure)
    return new AppError("KNOWLEDGE_IMPORT_REFUSED", { params: { url: source, reason: error.message } });
  throw error;
}

// ---- uploads ----

function titleFromName(name: string): string {
  const base = (name.split("/").pop() ?? name)
    .replace(/\.[^.]+$/, "")
    .replace(/[-_]+/g, " ")
    .trim();
  return base ? base[0]!.toUpperCase() + base.slice(1) : "Imported article";
}

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export interface UploadLimits {
  maxBytes: number;
  deadlineMs?: number;
  parseTimeoutMs?: number;
  parseMemoryMb?: number;
}

/** One file as a document, or an AppError saying why not. */
async function convertFile(
  run: ImportRun,
  file: UploadedFile,
  limits: UploadLimits,
): Promise<{ title: string; body: string }> {
  const name = file.name;
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (file.bytes.byteLength > limits.maxBytes)
    throw new AppError("KNOWLEDGE_IMPORT_TOO_LARGE", {
      params: { url: name, maxKb: Math.floor(limits.maxBytes / 1024) },
    });
  const fallback = titleFromName(name);
  const text = () => removeControlChars(new TextDecoder().decode(file.bytes));
  let document: { title: string; body: string };
  try {
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
        document = await run.parser.run(
          { type: "html", html: text(), fallbackTitle: fallback },
          run.remainingMs(),
        );
        break;
      case "pdf":
        document = await run.parser.run(
          {
            type: "pdf",
            bytes: file.bytes,
            fallbackTitle: fallback,
            maxPages: PDF_MAX_PAGES,
            maxInflatedBytes: PDF_MAX_INFLATED_BYTES,
          },
          run.remainingMs(),
        );
        break;
      default:
        throw new AppError("KNOWLEDGE_IMPORT_UNSUPPORTED_FILE", { params: { name } });
    }
  } catch (error) {
    throw error instanceof AppError ? error : parseRefusal(name, error);
  }
  if (!document.body.trim()) throw new AppError("KNOWLEDGE_IMPORT_EMPTY", { params: { name } });
  return document;
}

function safeName(name: string): string {
  return (
    name
      .replace(/\\/g, "/")
      .split("/")
      .filter((part) => part !== "" && part !== "." && part !== "..")
      .join("/")
      .slice(-200) || "upload"
  );
}

/**
 * Uploaded files (a .zip counts as the files inside it) as articles, in one transaction audited as one
 * knowledge.imported entry (`by`). Each file is kept, split or refused, and said so in `report`; a refused file
 * does not stop the others. `single`: one plain file was uploaded (the original contract): its refusal is the
 * request's error (415, 413, 400), as before.
 */
export async function importUploadedFiles(
  deps: ChatDeps,
  upload: { files: UploadedFile[]; published: boolean; single?: boolean },
  limits: UploadLimits,
  by: AuditBy,
): Promise<ImportResultDto> {
  const run = new ImportRun(limits, upload.published);
  try {
    const queue: UploadedFile[] = [];
    for (const file of upload.files) {
      const name = safeName(file.name);
      if (!/\.zip$/i.test(name)) {
        queue.push({ name, bytes: file.bytes });
        continue;
      }
      try {
        if (file.bytes.byteLength > ZIP_MAX_INFLATED_BYTES)
          throw new ParseFailure("refused", "the archive is too large.");
        const contents = await run.parser.run(
          {
            type: "zip",
            bytes: file.bytes,
            maxEntries: ZIP_MAX_FILES,
            maxEntryBytes: limits.maxBytes,
            maxTotalBytes: ZIP_MAX_INFLATED_BYTES,
          },
          run.remainingMs(),
        );
        for (const entry of contents.files)
          queue.push({ name: `${name}/${safeName(entry.name)}`, bytes: entry.bytes });
        for (const entry of contents.refused)
          run.refuse(`upload:${name}/${safeName(entry.name)}`, entry.reason);
      } catch (error) {
        run.refuse(`upload:${name}`, parseRefusal(name, error).message);
      }
    }
    for (const file of queue) {
      const source = `upload:${file.name}`;
      if (run.overDeadline()) {
        run.refuse(source, "the import's deadline passed before this file was read.");
        continue;
      }
      try {
        run.keep(source, "upload", await convertFile(run, file, limits));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (upload.single) throw error;
        run.refuse(source, error.message);
      }
    }
    return await run.store(deps, by);
  } finally {
    await run.close();
  }
}

/** One uploaded file (the original contract): its refusal is an error. */
export async function importUploadedFile(
  deps: ChatDeps,
  file: { name: string; bytes: Uint8Array; published: boolean },
  limits: UploadLimits,
  by: AuditBy,
): Promise<ImportResultDto> {
  return importUploadedFiles(
    deps,
    { files: [{ name: file.name, bytes: file.bytes }], published: file.published, single: true },
    limits,
    by,
  );
}

// ---- URLs and sitemaps ----

function isSitemap(outcome: Extract<FetchOutcome, { ok: true }>): boolean {
  const start = outcome.body.subarray(0, 2000).toString("utf8");
  return /<(urlset|sitemapindex)[\s>]/i.test(start);
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

async function robotsFor(origin: string, limits: FetchLimits, run: ImportRun): Promise<RobotsRule[]> {
  const outcome = await fetchPage(
    `${origin}/robots.txt`,
    { ...limits, maxBytes: Math.min(limits.maxBytes, 500_000) },
    { signal: run.deadline },
  );
  if (outcome.ok) {
    try {
      return await run.parser.run(
        { type: "robots", text: outcome.body.toString("utf8"), agent: IMPORT_USER_AGENT },
        run.remainingMs(),
      );
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      // A robots.txt that cannot be read: assume nothing is allowed.
      return [{ allow: false, path: "/" }];
    }
  }
  // No robots.txt (4xx): everything is allowed. The site failing (5xx, unreachable): assume nothing is.
  if (outcome.reason === "failed" && outcome.status !== undefined && outcome.status < 500) return [];
  if (outcome.reason === "refused") return [];
  return [{ allow: false, path: "/" }];
}

/**
 * Imports a page, or the same-origin pages of a sitemap (nested sitemaps followed, at most `maxPages` pages;
 * robots.txt is checked only for the URLs that will be fetched). A single page that cannot be imported is an
 * error; a sitemap's pages that cannot are refused in the report (and listed in `skipped`). Every page is fetched
 * and converted first, then all are stored in one transaction with one knowledge.imported entry (`by`).
 */
export async function importFromUrl(
  deps: ChatDeps,
  input: ImportKnowledgeInput,
  limits: ImportLimits,
  by: AuditBy,
): Promise<ImportResultDto> {
  const run = new ImportRun(limits, input.published);
  try {
    return await importWith(run, deps, input, limits, by);
  } finally {
    await run.close();
  }
}

async function importWith(
  run: ImportRun,
  deps: ChatDeps,
  input: ImportKnowledgeInput,
  limits: ImportLimits,
  by: AuditBy,
): Promise<ImportResultDto> {
  const start = new URL(input.url);
  start.hash = "";
  const origin = start.origin;
  const rules = await robotsFor(origin, limits, run);
  const allowed = (url: URL) => robotsAllows(rules, url.pathname + url.search);
  const fetchOptions = { allowed, signal: run.deadline };
  if (!allowed(start))
    throw new AppError("KNOWLEDGE_IMPORT_REFUSED", {
      params: { url: start.toString(), reason: "the site's robots.txt does not allow it." },
    });
  const first = await fetchPage(start.toString(), limits, fetchOptions);
  if (!first.ok) throw refusal(start.toString(), first, limits.maxBytes);

  /** A fetched page as a document; refused (with why) when it is not HTML or has no text. */
  const convert = async (url: string, outcome: Extract<FetchOutcome, { ok: true }>, single: boolean) => {
    const refuse = (reason: string) => {
      if (single) throw new AppError("KNOWLEDGE_IMPORT_REFUSED", { params: { url, reason: `${reason}.` } });
      run.refuse(url, reason);
    };
    if (!/html|xml/i.test(outcome.contentType) && outcome.contentType !== "")
      return refuse(`not an HTML page (${outcome.contentType})`);
    let document: { title: string; body: string };
    try {
      document = await run.parser.run(
        { type: "html", html: outcome.body.toString("utf8"), fallbackTitle: new URL(url).pathname },
        run.remainingMs(),
      );
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      return refuse(error.message.replace(/\.$/, ""));
    }
    if (!document.body.trim()) return refuse(single ? "no text found on it" : "no text found");
    run.keep(url, "url", document);
  };

  if (!isSitemap(first)) {
    if (!/html/i.test(first.contentType))
      throw new AppError("KNOWLEDGE_IMPORT_REFUSED", {
        params: {
          url: start.toString(),
          reason: `it is not an HTML page or a sitemap (${first.contentType || "no type"}).`,
        },
      });
    await convert(start.toString(), first, true);
    return run.store(deps, by);
  }

  // A sitemap: collect same-origin page URLs (nested sitemaps too); robots.txt is asked only about the URLs
  // that will be fetched, never about the entries past the page limit.
  const pages: string[] = [];
  const seen = new Set<string>();
  let overLimit = 0;
  const sitemaps = [first];
  let sitemapFetches = 0;
  const locations = async (sitemap: Extract<FetchOutcome, { ok: true }>) => {
    try {
      return await run.parser.run(
        { type: "sitemap", xml: sitemap.body.toString("utf8"), maxLocations: SITEMAP_MAX_LOCATIONS },
        run.remainingMs(),
      );
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      run.refuse(sitemap.url, error.message.replace(/\.$/, ""));
      return { pages: [], sitemaps: [] };
    }
  };
  while (sitemaps.length > 0 && !run.overDeadline()) {
    const { pages: found, sitemaps: nested } = await locations(sitemaps.shift()!);
    for (const location of nested) {
      if (pages.length >= limits.maxPages || sitemapFetches >= limits.maxPages || run.overDeadline()) break;
      let url: URL;
      try {
        url = new URL(location);
      } catch {
        continue;
      }
      if (url.origin !== origin || !allowed(url)) continue;
      sitemapFetches += 1;
      const outcome = await fetchPage(url.toString(), limits, fetchOptions);
      if (outcome.ok && isSitemap(outcome)) sitemaps.push(outcome);
    }
    for (const location of found) {
      let url: URL;
      try {
        url = new URL(location);
      } catch {
        run.refuse(location, "not a URL");
        continue;
      }
      url.hash = "";
      const key = url.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      if (url.origin !== origin) run.refuse(key, "on another site (same origin only)");
      else if (pages.length >= limits.maxPages) {
        overLimit += 1;
        if (overLimit <= REPORTED_OVER_LIMIT) run.refuse(key, `over the page limit (${limits.maxPages})`);
      } else if (!allowed(url)) run.refuse(key, "refused by robots.txt");
      else pages.push(key);
    }
  }
  if (overLimit > REPORTED_OVER_LIMIT)
    run.refuse(
      start.toString(),
      `${overLimit - REPORTED_OVER_LIMIT} more pages over the page limit (${limits.maxPages}) are not listed`,
    );
  for (const page of pages) {
    if (run.overDeadline()) {
      run.refuse(page, "the import's deadline passed before this page was fetched");
      continue;
    }
    const outcome = await fetchPage(page, limits, fetchOptions);
    if (!outcome.ok) run.refuse(page, reasonOf(outcome));
    else await convert(page, outcome, false);
  }
  return run.store(deps, by);
}
