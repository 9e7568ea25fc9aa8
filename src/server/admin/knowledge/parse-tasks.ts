import { Unzip, UnzipInflate, Unzlib } from "fflate";
import { removeControlChars } from "./external-text";
import { htmlToArticle, type HtmlArticle } from "./html-article";
import { parseRobots, type RobotsRule } from "./robots";

/**
 * What the parse worker (parse-worker.ts) does with untrusted bytes: HTML → article, PDF → text, robots.txt →
 * rules, sitemap → locations, .zip → files. Each runs in the worker only; the main thread sends a task and gets a
 * result or a refusal (a reason for the admin), or the worker is terminated when it overruns (parse-runner.ts).
 */
export type ParseTask =
  | { type: "html"; html: string; fallbackTitle: string }
  | { type: "pdf"; bytes: Uint8Array; fallbackTitle: string; maxPages: number; maxInflatedBytes: number }
  | { type: "robots"; text: string; agent: string }
  | { type: "sitemap"; xml: string; maxLocations: number }
  | { type: "zip"; bytes: Uint8Array; maxEntries: number; maxEntryBytes: number; maxTotalBytes: number };

export interface ZipContents {
  files: { name: string; bytes: Uint8Array }[];
  refused: { name: string; reason: string }[];
}

export type ParseResult<T extends ParseTask["type"]> = T extends "html"
  ? HtmlArticle
  : T extends "pdf"
    ? { title: string; body: string; pages: number }
    : T extends "robots"
      ? RobotsRule[]
      : T extends "sitemap"
        ? { pages: string[]; sitemaps: string[] }
        : ZipContents;

/** A refusal the admin reads (its message is the reason given after the file's name: KNOWLEDGE_IMPORT_REFUSED). */
export class ParseRefusal extends Error {}

/** Plain text (e.g. from a PDF) as markdown: paragraphs kept, line breaks inside them joined. */
export function textToBody(text: string): string {
  return removeControlChars(text)
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, " ").trim())
    .filter(Boolean)
    .join("\n\n");
}

const FEED_BYTES = 16 * 1024;

/**
 * Inflates every FlateDecode-looking stream of a PDF, counting what comes out, and refuses the file once the
 * total passes `maxInflatedBytes` — before pdf.js (which would inflate it all in memory) sees it. The input is
 * fed in 16 KiB slices, so one step inflates at most ≈ 16 MiB (deflate's ratio is at most ≈ 1:1032).
 */
export function checkPdfInflation(bytes: Uint8Array, maxInflatedBytes: number): void {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  let total = 0;
  let from = 0;
  for (;;) {
    const keyword = text.indexOf("stream", from);
    if (keyword < 0) return;
    from = keyword + 6;
    if (text.startsWith("endstream", keyword - 3)) continue;
    let start = keyword + 6;
    if (text[start] === "\r") start += 1;
    if (text[start] === "\n") start += 1;
    else if (start === keyword + 6) continue;
    const end = text.indexOf("endstream", start);
    const stop = end < 0 ? bytes.byteLength : end;
    if (bytes[start] !== 0x78) continue; // not a zlib stream
    let failed = false;
    const inflater = new Unzlib((chunk) => {
      total += chunk.byteLength;
    });
    for (let offset = start; offset < stop && !failed; offset += FEED_BYTES) {
      try {
        inflater.push(
          bytes.subarray(offset, Math.min(stop, offset + FEED_BYTES)),
          offset + FEED_BYTES >= stop,
        );
      } catch {
        failed = true;
      }
      if (total > maxInflatedBytes)
        throw new ParseRefusal(
          `its compressed content inflates to more than ${Math.floor(maxInflatedBytes / 1_048_576)} MB (a decompression bomb?).`,
        );
    }
    from = stop;
  }
}

async function pdfToText(task: Extract<ParseTask, { type: "pdf" }>): Promise<ParseResult<"pdf">> {
  checkPdfInflation(task.bytes, task.maxInflatedBytes);
  const { extractText, getDocumentProxy } = await import("unpdf");
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(task.bytes));
  } catch {
    throw new ParseRefusal("it is not a readable PDF.");
  }
  if (pdf.numPages > task.maxPages)
    throw new ParseRefusal(`it has ${pdf.numPages} pages, more than the limit of ${task.maxPages}.`);
  const { text } = await extractText(pdf, { mergePages: true });
  const metadata = await pdf.getMetadata().catch(() => undefined);
  const info = (metadata?.info ?? {}) as { Title?: unknown };
  const title =
    typeof info.Title === "string" && info.Title.trim()
      ? removeControlChars(info.Title).trim()
      : task.fallbackTitle;
  return { title, body: textToBody(text), pages: pdf.numPages };
}

function decodeEntities(value: string): string {
  return value
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** A sitemap's `<loc>`s: pages of a `<urlset>`, or sitemaps of a `<sitemapindex>` (at most `maxLocations`). */
export function sitemapLocations(xml: string, maxLocations: number): ParseResult<"sitemap"> {
  const locations: string[] = [];
  const pattern = /<loc>([^<]*)<\/loc>/gi;
  for (let match = pattern.exec(xml); match && locations.length < maxLocations; match = pattern.exec(xml))
    locations.push(decodeEntities(match[1]!.trim()));
  return /<sitemapindex[\s>]/i.test(xml.slice(0, 4096))
    ? { pages: [], sitemaps: locations }
    : { pages: locations, sitemaps: [] };
}

/**
 * A .zip's files, inflated with limits: at most `maxEntries` files, each at most `maxEntryBytes` and all
 * together at most `maxTotalBytes` once inflated (counted while inflating, not taken from the headers, which
 * can lie). A file over a limit is refused with the reason; directories are skipped; a zip inside is refused.
 */
export function unzipFiles(task: Extract<ParseTask, { type: "zip" }>): ZipContents {
  const files: ZipContents["files"] = [];
  const refused: ZipContents["refused"] = [];
  let entries = 0;
  let total = 0;
  let totalExceeded = false;
  const unzip = new Unzip((file) => {
    if (file.name.endsWith("/")) return;
    entries += 1;
    if (entries > task.maxEntries) {
      if (entries === task.maxEntries + 1)
        refused.push({
          name: file.name,
          reason: `the archive has more than ${task.maxEntries} files; the rest were not read.`,
        });
      return;
    }
    if (/\.zip$/i.test(file.name)) {
      refused.push({ name: file.name, reason: "an archive inside the archive is not imported." });
      return;
    }
    if (totalExceeded) {
      refused.push({ name: file.name, reason: "the archive's files together are larger than the limit." });
      return;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    let done = false;
    file.ondata = (error, chunk, final) => {
      if (done) return;
      if (error) {
        done = true;
        refused.push({ name: file.name, reason: "it could not be decompressed." });
        return;
      }
      size += chunk.byteLength;
      total += chunk.byteLength;
      if (size > task.maxEntryBytes || total > task.maxTotalBytes) {
        done = true;
        if (total > task.maxTotalBytes) totalExceeded = true;
        refused.push({
          name: file.name,
          reason:
            size > task.maxEntryBytes
              ? `once decompressed it exceeds the import limit (${Math.floor(task.maxEntryBytes / 1024)} KB).`
              : "the archive's files together are larger than the limit once decompressed.",
        });
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) {
        done = true;
        files.push({ name: file.name, bytes: Buffer.concat(chunks) });
      }
    };
    try {
      file.start();
    } catch {
      refused.push({ name: file.name, reason: "it uses a compression method that is not supported." });
    }
  });
  unzip.register(UnzipInflate);
  try {
    for (let offset = 0; offset < task.bytes.byteLength; offset += FEED_BYTES)
      unzip.push(
        task.bytes.subarray(offset, Math.min(task.bytes.byteLength, offset + FEED_BYTES)),
        offset + FEED_BYTES >= task.bytes.byteLength,
      );
  } catch {
    if (files.length === 0 && refused.length === 0) throw new ParseRefusal("it is not a readable .zip file.");
  }
  if (files.length === 0 && refused.length === 0) throw new ParseRefusal("the archive holds no file.");
  return { files, refused };
}

export async function runParseTask(task: ParseTask): Promise<unknown> {
  switch (task.type) {
    case "html":
      return htmlToArticle(task.html, task.fallbackTitle);
    case "pdf":
      return pdfToText(task);
    case "robots":
      return parseRobots(task.text, task.agent);
    case "sitemap":
      return sitemapLocations(task.xml, task.maxLocations);
    case "zip":
      return unzipFiles(task);
  }
}
