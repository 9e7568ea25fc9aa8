import { snippetPieces, type Snippet } from "~/shared/search-snippet";

/**
 * A search result's snippet: plain text with the matching words in <mark>. The text is rendered as text (React
 * escapes it), never as HTML, so a message cannot inject markup.
 */
export function SearchSnippet({ snippet, who, label }: { snippet: Snippet; who: string; label: string }) {
  return (
    <p className="search-snippet muted" aria-label={label}>
      <span className="search-snippet-who">{who}: </span>
      {snippetPieces(snippet).map((piece, index) =>
        piece.marked ? <mark key={index}>{piece.text}</mark> : <span key={index}>{piece.text}</span>,
      )}
    </p>
  );
}
