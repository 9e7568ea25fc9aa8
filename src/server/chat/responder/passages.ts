/**
 * An article cut into passages of bounded size, each carrying its page title and heading path: what the search
 * ranks and what a reply quotes. A passage is at most MAX_PASSAGE_CHARS, cut at block boundaries (paragraphs,
 * lists, tables, fenced code blocks kept whole when they fit; a longer block is cut at line ends). A heading
 * inside a code fence is code, not a heading.
 */
export interface KnowledgePassage {
  id: string;
  /** The article's slug: its page is /help/<article_slug>. */
  article_slug: string;
  /** The article's title. */
  article: string;
  /** The nearest heading above the passage (the article's title for its introduction). */
  section: string;
  /** The headings above the passage, outermost first (empty in the introduction). */
  headings: string[];
  /** The article's summary: the first paragraph of its introduction (at most SUMMARY_CHARS). */
  summary: string;
  text: string;
}

/** The most a passage holds, in characters. */
export const MAX_PASSAGE_CHARS = 1_000;
const SUMMARY_CHARS = 300;

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

/**
 * A copy of `text` that holds its own characters. V8 keeps a substring (split, trim, a regexp match) as a view of
 * the string it was cut from, and a concatenation as a tree of its pieces: a passage's heading would keep its whole
 * article's markdown in memory, and its text a tree of blocks (on 1,000 articles ≈ 20 MB and ≈ 10 MB more than the
 * characters themselves; bench/knowledge-memory.ts). structuredClone makes a flat, independent string.
 */
function detached(text: string): string {
  return structuredClone(text);
}

interface Section {
  headings: string[];
  blocks: string[];
}

/** The blocks of a markdown text: runs of lines between blank lines, a fenced code block as one block. */
function splitBlocks(lines: string[]): { headingLevel?: number; heading?: string; block?: string }[] {
  const out: { headingLevel?: number; heading?: string; block?: string }[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  const flush = () => {
    const block = current.join("\n").trim();
    if (block) out.push({ block });
    current = [];
  };
  for (const line of lines) {
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      current.push(line);
      if (fenceMatch && fenceMatch[1] === fence) {
        fence = null;
        flush();
      }
      continue;
    }
    if (fenceMatch) {
      flush();
      fence = fenceMatch[1]!;
      current.push(line);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      out.push({ headingLevel: heading[1]!.length, heading: detached(heading[2]!.trim()) });
      continue;
    }
    if (line.trim() === "") flush();
    else current.push(line);
  }
  flush();
  return out;
}

/** A block longer than `max` cut at line ends (a single longer line at a space). */
function cutBlock(block: string, max: number): string[] {
  if (block.length <= max) return [block];
  const pieces: string[] = [];
  let piece = "";
  for (const rawLine of block.split("\n")) {
    let line = rawLine;
    while (line.length > max) {
      const space = line.lastIndexOf(" ", max);
      const at = space > max / 2 ? space : max;
      if (piece) pieces.push(piece);
      piece = "";
      pieces.push(line.slice(0, at));
      line = line.slice(at).trimStart();
    }
    if (piece && piece.length + 1 + line.length > max) {
      pieces.push(piece);
      piece = line;
    } else piece = piece ? `${piece}\n${line}` : line;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** Blocks packed in order into texts of at most `max` characters. */
export function packBlocks(blocks: string[], max: number): string[] {
  const texts: string[] = [];
  let text = "";
  for (const block of blocks.flatMap((block) => cutBlock(block, max))) {
    if (text && text.length + 2 + block.length > max) {
      texts.push(text);
      text = block;
    } else text = text ? `${text}\n\n${block}` : block;
  }
  if (text) texts.push(text);
  return texts;
}

/** An article (markdown with its `# Title`) as passages; `slug` names its page. */
export function splitArticle(slug: string, markdown: string, idPrefix = slug): KnowledgePassage[] {
  const items = splitBlocks(markdown.replace(/\r\n?/g, "\n").split("\n"));
  let article = slug;
  const sections: Section[] = [{ headings: [], blocks: [] }];
  const path: { level: number; text: string }[] = [];
  let titleSeen = false;
  for (const item of items) {
    if (item.heading !== undefined) {
      if (item.headingLevel === 1 && !titleSeen) {
        article = item.heading;
        titleSeen = true;
        continue;
      }
      while (path.length > 0 && path[path.length - 1]!.level >= item.headingLevel!) path.pop();
      path.push({ level: item.headingLevel!, text: item.heading });
      sections.push({ headings: path.map((entry) => entry.text), blocks: [] });
    } else sections[sections.length - 1]!.blocks.push(item.block!);
  }
  const introduction = sections[0]!.blocks;
  const summary = detached((introduction[0] ?? "").replace(/\s+/g, " ").slice(0, SUMMARY_CHARS));
  const passages: KnowledgePassage[] = [];
  for (const section of sections) {
    const texts = packBlocks(section.blocks, MAX_PASSAGE_CHARS);
    for (const text of texts)
      passages.push({
        id: detached(`${idPrefix}#${passages.length}`),
        article_slug: slug,
        article,
        section: section.headings[section.headings.length - 1] ?? article,
        headings: section.headings,
        summary,
        text: detached(text),
      });
  }
  return passages;
}
