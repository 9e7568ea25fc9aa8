/**
 * The knowledge index's memory work (issue 22, "Memory"; src/server/chat/responder/packed-index.ts): postings
 * packed into typed arrays after the build, the document frequencies read from them, the build sliced over turns
 * of the event loop. None of it may change a result: rankings (passages, order, confidences) are compared with an
 * index built without packing, and the document frequencies with a count over the passages' own words.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KnowledgeBase, loadKnowledge } from "~/server/chat/responder/knowledge-base";
import { indexTerm, words } from "~/server/chat/responder/text-terms";

const passages = loadKnowledge(path.resolve("content/knowledge"));
const evaluation = JSON.parse(readFileSync(path.resolve("content/eval/questions.json"), "utf8")) as {
  answerable: { q: string }[];
  unanswerable: ({ q: string } | string)[];
};
const questions = [
  ...evaluation.answerable.map((entry) => entry.q),
  ...evaluation.unanswerable.map((entry) => (typeof entry === "string" ? entry : entry.q)),
];

/** MiniSearch's term tree (a SearchableMap: forEach gives the term first). */
interface TermTree {
  forEach(callback: (term: string, data: Map<number, unknown>) => void): void;
}
const termTree = (base: KnowledgeBase) => (base as unknown as { index: { _index: TermTree } }).index._index;

function ranking(base: KnowledgeBase, question: string): string[] {
  return base.rank(question).map((hit) => `${hit.passage.id} ${hit.score}`);
}

describe("the packed knowledge index", () => {
  const packed = new KnowledgeBase(passages);
  const unpacked = new KnowledgeBase(passages, { packed: false });
  const packedAfter = new KnowledgeBase(passages, { packAfterBuild: true });

  it("packs the postings of the index it builds", () => {
    expect(packed.postingsPacked).toBe(true);
    expect(unpacked.postingsPacked).toBe(false);
    expect(packedAfter.postingsPacked).toBe(true);
  });

  it("gathers the postings into arrays while indexing: no posting map is ever made", () => {
    // Every term's field map holds packed views only (a MiniSearch map per term and field would be a Map).
    let lists = 0;
    termTree(packed).forEach((_term, data) => {
      for (const postings of data.values()) {
        expect(postings).not.toBeInstanceOf(Map);
        lists += 1;
      }
    });
    expect(lists).toBeGreaterThan(100);
    // MiniSearch's own addTerm is back once the build is done.
    expect(Object.hasOwn((packed as unknown as { index: object }).index, "addTerm")).toBe(false);
  });

  it("ranks every evaluation question as the index packed after its build (the way before)", () => {
    for (const question of questions) {
      expect(ranking(packed, question), question).toEqual(ranking(packedAfter, question));
      expect(packed.closestArticles(question, 5)).toEqual(packedAfter.closestArticles(question, 5));
    }
    // The same terms in the same order (prefix matches iterate the term tree in its insertion order).
    const terms = (base: KnowledgeBase) => {
      const list: string[] = [];
      termTree(base).forEach((term) => list.push(term));
      return list;
    };
    expect(terms(packed)).toEqual(terms(unpacked));
  });

  it("ranks every evaluation question exactly as the unpacked index", () => {
    expect(questions.length).toBeGreaterThan(50);
    let hits = 0;
    for (const question of questions) {
      const expected = ranking(unpacked, question);
      hits += expected.length;
      expect(ranking(packed, question), question).toEqual(expected);
      expect(packed.closestArticles(question, 5)).toEqual(unpacked.closestArticles(question, 5));
    }
    // Not a comparison of empty lists.
    expect(hits).toBeGreaterThan(questions.length);
  });

  it("builds in slices (KnowledgeBase.build) the same index as at once", async () => {
    const sliced = await KnowledgeBase.build(passages);
    expect(sliced.postingsPacked).toBe(true);
    expect(sliced.language).toBe(packed.language);
    for (const question of questions) expect(ranking(sliced, question)).toEqual(ranking(packed, question));
  });

  it("reads each term's document frequency (title, headings, text) from the postings", () => {
    const expected = new Map<string, number>();
    for (const passage of passages) {
      const terms = new Set(
        words(`${passage.article} ${passage.headings.join(" ")} ${passage.text}`)
          .map((word) => indexTerm(word, packed.language))
          .filter((term): term is string => term !== null),
      );
      for (const term of terms) expected.set(term, (expected.get(term) ?? 0) + 1);
    }
    const counted = (packed as unknown as { documentFrequency: Map<string, number> }).documentFrequency;
    expect(counted.size).toBeGreaterThan(100);
    expect(new Map([...counted].sort())).toEqual(new Map([...expected].sort()));
  });
});
