import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import TurndownService from "turndown";
import { removeControlChars } from "./external-text";

/**
 * An HTML page as an article: title, one-line summary and the page's main content as clean markdown. Runs in the
 * parse worker (parse-worker.ts), never on a request's thread: hostile pages (10,000 nested elements) cost CPU here.
 *
 * The main content is the page's documentation container when it has one — the page's single `<article>`,
 * `[role=main]` (Sphinx's `div.body`), MkDocs' `.md-content`, Docusaurus' `.markdown`, Sphinx's `div.body`,
 * Asciidoctor's `#content`, `<main>` — taken whole, since Readability drops sections of reference pages (option
 * lists, tables) it takes for boilerplate. Without one, Readability's choice is used unless it keeps under half of
 * the page's text once navigation, header and footer are removed (man2html and other plain pages), in which case
 * that cleaned page is used. Code blocks stay fenced code (a `# comment` in them is never a heading); headings are
 * shifted so the top level of the content is `##` (the title is its own field); markdown escaping is limited to
 * what would otherwise change the structure (no `\-p`).
 */
export interface HtmlArticle {
  title: string;
  /** The page's one-line summary (meta description, or the lead paragraph), also in the body. */
  summary: string;
  body: string;
  /** How the content was chosen: the container's selector, `readability` or `page`. */
  source: string;
}

/** Documentation containers, most specific first. */
const CONTAINERS = [
  "[role=main]",
  ".md-content",
  ".theme-doc-markdown",
  ".markdown",
  "div.body",
  "#content",
  "main",
] as const;

const JUNK =
  "script, style, noscript, template, iframe, object, embed, svg, canvas, button, form, link, meta";
const PAGE_CHROME =
  "nav, footer, aside, [role=navigation], [role=banner], [role=contentinfo], [role=search], body > header";

type El = Element;

function textOf(element: El | null | undefined): string {
  return (element?.textContent ?? "").replace(/\s+/g, " ").trim();
}

function removeAll(root: El, selector: string): void {
  for (const element of [...root.querySelectorAll(selector)]) element.remove();
}

/** Permalink anchors (Sphinx ¶, Docusaurus #, MkDocs ¶): links to the heading itself with no words. */
function removePermalinks(root: El): void {
  for (const anchor of [...root.querySelectorAll("a[href^='#']")]) {
    const text = textOf(anchor).replace(/[\u200b\s]/g, "");
    if (text === "" || /^[¶#§🔗]$/u.test(text)) anchor.remove();
  }
  removeAll(root, ".headerlink, .hash-link, [aria-hidden=true]");
}

function chooseContainer(document: Document): { element: El; selector: string } | undefined {
  const articles = [...document.querySelectorAll("article")].filter((article) => textOf(article) !== "");
  if (articles.length === 1) return { element: articles[0]!, selector: "article" };
  for (const selector of CONTAINERS) {
    const element = document.querySelector(selector);
    if (element && textOf(element) !== "") return { element, selector };
  }
  return undefined;
}

/**
 * Markdown escaping limited to what would change the structure: turndown calls this on each text node, so a
 * marker is escaped only at the start of a node (where a paragraph starts), `*` and `_` only when a pair could
 * form emphasis, backslashes only before punctuation. Text such as `-p`, `a > b` or `*.txt` stays as it is.
 */
function escapeMarkdown(text: string): string {
  const pairs = (char: "*" | "_") => text.split(char).length > 2;
  let escaped = text
    .replace(/\\(?=[!-/:-@[-`{-~])/g, "\\\\")
    .replace(/`/g, "\\`")
    .replace(/^(#{1,6})(?=\s|$)/, "\\$1")
    .replace(/^>/, "\\>")
    .replace(/^([-+*])(?=\s)/, "\\$1")
    .replace(/^(\d+)([.)])(?=\s)/, "$1\\$2")
    .replace(/\[(?=[^\]]*\]\()/g, "\\[");
  if (pairs("*")) escaped = escaped.replace(/\*/g, "\\*");
  if (pairs("_")) escaped = escaped.replace(/(^|\W)(_+)|(_+)(?=\W|$)/g, (run) => run.replace(/_/g, "\\_"));
  return escaped;
}

function fenceFor(code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
  return "`".repeat(longest + 1);
}

function languageOf(node: El): string {
  const classes = `${node.getAttribute("class") ?? ""} ${node.querySelector("code")?.getAttribute("class") ?? ""} ${
    node.parentElement?.getAttribute("class") ?? ""
  } ${node.parentElement?.parentElement?.getAttribute("class") ?? ""}`;
  const match = /(?:^|\s)(?:language|lang|highlight)-([\w+#-]+)/.exec(classes);
  return match && !/^(default|none|text)$/.test(match[1]!) ? match[1]! : "";
}

function converter(headingShift: number): TurndownService {
  const service = new TurndownService({
    headingStyle: "atx",
    codeBlockStyle: "fenced",
    bulletListMarker: "-",
    emDelimiter: "_",
  });
  service.escape = escapeMarkdown;
  // Tables as GFM tables: the first row is the header; a cell's blocks are joined on one line.
  service.addRule("table", {
    filter: "table",
    replacement: (_content, node) => {
      const table = node as unknown as El;
      const rows = [...table.querySelectorAll("tr")]
        .filter((row) => row.closest("table") === table)
        .map((row) =>
          [...row.children]
            .filter((cell) => cell.nodeName === "TD" || cell.nodeName === "TH")
            .map((cell) =>
              service
                .turndown(cell.innerHTML)
                .replace(/\s*\n\s*/g, " ")
                .replace(/\|/g, "\\|")
                .trim(),
            ),
        )
        .filter((cells) => cells.length > 0);
      if (rows.length === 0) return "";
      // A layout table (code, lists or headings in its cells) is not a data table: its cells one after another.
      if (table.querySelector("pre, ul, ol, h1, h2, h3, h4, h5, h6, blockquote, table"))
        return `\n\n${[...table.querySelectorAll("td, th")]
          .filter((cell) => cell.closest("table") === table)
          .map((cell) => service.turndown(cell.innerHTML).trim())
          .filter(Boolean)
          .join("\n\n")}\n\n`;
      const width = Math.max(...rows.map((cells) => cells.length));
      const line = (cells: string[]) =>
        `| ${Array.from({ length: width }, (_, index) => cells[index] ?? "").join(" | ")} |`;
      const [head, ...rest] = rows;
      return `\n\n${[line(head!), line(Array(width).fill("---")), ...rest.map(line)].join("\n")}\n\n`;
    },
  });
  service.remove(["script", "style", "noscript", "iframe", "form"]);
  // Every <pre> is code, with or without a <code> inside (Sphinx, man2html): its lines stay as they are.
  service.addRule("preformatted", {
    filter: "pre",
    replacement: (_content, node) => {
      const element = node as unknown as El;
      const code = (element.textContent ?? "").replace(/\n+$/, "");
      if (code.trim() === "") return "";
      const fence = fenceFor(code);
      return `\n\n${fence}${languageOf(element)}\n${code}\n${fence}\n\n`;
    },
  });
  service.addRule("headings", {
    filter: ["h1", "h2", "h3", "h4", "h5", "h6"],
    replacement: (content, node) => {
      const level = Math.min(6, Math.max(2, Number(node.nodeName.slice(1)) + headingShift));
      const text = content.replace(/\s+/g, " ").trim();
      return text ? `\n\n${"#".repeat(level)} ${text}\n\n` : "";
    },
  });
  // A term of a definition list (option lists of man pages and references) on its own line, in bold.
  service.addRule("definitionTerm", {
    filter: "dt",
    replacement: (content) => {
      const text = content.trim();
      return text ? `\n\n**${text}**\n\n` : "";
    },
  });
  return service;
}

function metaContent(document: Document, selector: string): string {
  return (document.querySelector(selector)?.getAttribute("content") ?? "").replace(/\s+/g, " ").trim();
}

/** A man page's one-line summary: the text of its NAME section ("tar - an archiving utility"). */
function manPageName(root: El): string {
  const heading = [...root.querySelectorAll("h2, h3")].find((element) => textOf(element) === "NAME");
  if (!heading) return "";
  let text = "";
  for (let node = heading.nextSibling; node && !/^H[1-6]$/.test(node.nodeName); node = node.nextSibling)
    text += ` ${node.textContent ?? ""}`;
  return text.replace(/\s+/g, " ").trim();
}

const normalise = (text: string) =>
  text
    .replace(/[\s\\*_`#>|-]+/g, " ")
    .trim()
    .toLowerCase();

/** `fallbackTitle` is used when the page has no heading or title. */
export function htmlToArticle(html: string, fallbackTitle: string): HtmlArticle {
  const { document } = parseHTML(html) as unknown as { document: Document };
  const pageTitle = textOf(document.querySelector("title"));
  const description =
    metaContent(document, "meta[name=description]") ||
    metaContent(document, "meta[property='og:description']");
  const body = document.querySelector("body") ?? document.documentElement;
  removeAll(body, JUNK);

  let root: El;
  let source: string;
  const container = chooseContainer(document);
  if (container) {
    root = container.element;
    source = container.selector;
    // A header block beside the container (Asciidoctor's #header: the title and a man page's NAME line).
    const h1 = document.querySelector("h1");
    const header = h1?.parentElement;
    if (h1 && header && !root.contains(h1) && !header.contains(root) && header !== body) {
      const wrapper = document.createElement("div");
      wrapper.append(...[...header.childNodes], ...[...root.childNodes]);
      root = wrapper;
    }
  } else {
    const pageText = textOf(body);
    const cleaned = parseHTML(html).document as unknown as Document;
    const cleanedBody = cleaned.querySelector("body") ?? cleaned.documentElement;
    removeAll(cleanedBody, `${JUNK}, ${PAGE_CHROME}`);
    const readable = new Readability(parseHTML(html).document as unknown as Document).parse();
    const readableRoot = readable?.content ? parseHTML(`<div>${readable.content}</div>`).document : undefined;
    const readableText = textOf(readableRoot?.querySelector("div") as El | undefined);
    if (readableRoot && readableText.length * 2 >= textOf(cleanedBody).length && pageText !== "") {
      root = readableRoot.querySelector("div") as unknown as El;
      source = "readability";
    } else {
      root = cleanedBody;
      source = "page";
    }
  }
  removePermalinks(root);
  removeAll(root, "nav");

  const h1 = root.querySelector("h1") ?? document.querySelector("h1");
  const title = (textOf(h1) || pageTitle || fallbackTitle).slice(0, 200);
  // The title is its own field: its <h1> leaves the body, and the content's top heading level becomes `##`.
  const rootH1s = [...root.querySelectorAll("h1")];
  if (rootH1s.length > 0 && textOf(rootH1s[0]) === title) rootH1s[0]!.remove();
  const levels = [...root.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((heading) =>
    Number(heading.nodeName.slice(1)),
  );
  const shift = levels.length > 0 ? 2 - Math.min(...levels) : 0;

  let markdown = converter(shift)
    .turndown(root as unknown as HTMLElement)
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const lead = (description || manPageName(root) || textOf(root.querySelector("p"))).slice(0, 300);
  if (description && !normalise(markdown).includes(normalise(description)))
    markdown = `${description}\n\n${markdown}`;
  markdown = removeControlChars(markdown);
  return {
    title: removeControlChars(title).replace(/\s+/g, " ").trim() || fallbackTitle,
    summary: removeControlChars(lead),
    body: markdown,
    source,
  };
}
