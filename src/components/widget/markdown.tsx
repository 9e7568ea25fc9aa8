import { useTranslations } from "next-intl";
import type { ComponentPropsWithoutRef } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkBreaks from "remark-breaks";
import remarkGfm from "remark-gfm";
import { CopyButton } from "./copy-button";

const SAFE_URL = /^(?:https?:|mailto:|tel:|#|\/(?!\/))/i;

/**
 * Only http(s), mailto, tel, in-page and same-site links survive; javascript:, data:, vbscript: … become
 * nothing. Raw HTML in the text is shown as text (react-markdown never turns it into elements here).
 */
export function safeUrl(url: string): string | null {
  const trimmed = url.trim();
  return SAFE_URL.test(trimmed) ? trimmed : null;
}

function Link({ href, children, node: _node, ...rest }: ComponentPropsWithoutRef<"a"> & { node?: unknown }) {
  if (!href) return <span>{children}</span>;
  return (
    <a {...rest} href={href} target="_blank" rel="noopener noreferrer nofollow ugc">
      {children}
    </a>
  );
}

/** Images are not loaded (no third-party requests from the widget): shown as a link to open instead. */
function Image({ src, alt }: ComponentPropsWithoutRef<"img">) {
  const t = useTranslations("Widget.messages");
  const href = typeof src === "string" ? safeUrl(src) : null;
  const label = `[${alt || t("image")}]`;
  return href ? (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow ugc">
      {label}
    </a>
  ) : (
    <span>{label}</span>
  );
}

interface HastNode {
  type: string;
  value?: string;
  children?: HastNode[];
}

function textOf(node: HastNode | undefined): string {
  if (!node) return "";
  if (node.type === "text") return node.value ?? "";
  return (node.children ?? []).map(textOf).join("");
}

/**
 * A code block scrolls sideways inside its bubble (long lines stay intact), can be reached and scrolled by
 * keyboard (tabIndex), and has a copy button.
 */
function CodeBlock({ children, node }: ComponentPropsWithoutRef<"pre"> & { node?: unknown }) {
  const t = useTranslations("Widget.messages");
  return (
    <div className="vc-code">
      <CopyButton
        text={textOf(node as HastNode | undefined)}
        label={t("copyCode")}
        className="vc-code-copy"
      />
      <pre tabIndex={0} aria-label={t("code")}>
        {children}
      </pre>
    </div>
  );
}

const components: Components = { a: Link, img: Image, pre: CodeBlock };

const PLUGINS = [remarkGfm];
const PLUGINS_WITH_BREAKS = [remarkGfm, remarkBreaks];

/**
 * `breaks`: a single newline is a line break, as the person typed it (Shift+Enter), not a space as in markdown.
 * For text people write; the assistant's markdown keeps the markdown rule.
 */
export default function Markdown({ text, breaks = false }: { text: string; breaks?: boolean }) {
  return (
    <ReactMarkdown
      remarkPlugins={breaks ? PLUGINS_WITH_BREAKS : PLUGINS}
      urlTransform={safeUrl}
      components={components}
    >
      {text}
    </ReactMarkdown>
  );
}
