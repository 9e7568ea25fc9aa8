// Measurement script of wip/quality2 (reverted by the next commit): bench/q2-analyse.mts of 832546e plus Q2=title=1[,nosum=1][,w=] — the lexical page ranking fused (RRF k 60) with the embedded model's similarity of the question to each page's title (+ summary).
import { readFileSync } from "node:fs";
import path from "node:path";
import { articlePassages } from "~/server/chat/knowledge/articles";
import { KnowledgeBase, pageOf, CONFIDENCE_THRESHOLD } from "~/server/chat/responder/knowledge-base";
import { LatentSpace } from "~/server/chat/responder/latent-space";
import { indexTerm, queryTerms, words } from "~/server/chat/responder/text-terms";
const MODE = process.env.Q2 ?? "";
const opt = Object.fromEntries(
  MODE.split(",")
    .filter(Boolean)
    .map((kv) => kv.split("=")),
);
const K = Number(opt.k ?? 150);

const name = process.argv[2]!;
const set = JSON.parse(readFileSync(path.resolve(`content/eval/${name}.json`), "utf8"));
const offTopic = JSON.parse(readFileSync(path.resolve("content/eval/off-topic.json"), "utf8"))
  .questions as string[];
const articles = JSON.parse(readFileSync(`/tmp/q2-cache/${name}.json`, "utf8")) as {
  slug: string;
  title: string;
  body: string;
  source_url: string;
}[];
const fileOfSlug = new Map(
  articles.map((a) => [a.slug, (a.source_url ?? "").replace(/^upload:/, "").replace(/#part-\d+$/, "")]),
);
const passages = articles.sort((a, b) => (a.slug < b.slug ? -1 : 1)).flatMap(articlePassages);
const t0 = performance.now();
const base = await KnowledgeBase.build(passages);
let space: LatentSpace | undefined;
if (opt.lsi) {
  const t1 = performance.now();
  const docs = passages.map((p) =>
    words(`${p.article} ${p.headings.join(" ")} ${p.text}`)
      .map((w) => indexTerm(w, "en"))
      .filter((t): t is string => !!t),
  );
  const gen = LatentSpace.build(docs, { dimensions: K });
  let step = gen.next();
  let steps = 0;
  while (!step.done) {
    step = gen.next();
    steps++;
  }
  space = step.value;
  console.error(
    `lsi ${(performance.now() - t1).toFixed(0)} ms, ${steps} steps, ${(space.bytes / 1e6).toFixed(1)} MB`,
  );
}
if (space && opt.expand) {
  const sp = space;
  base.expandQuery = (terms) => {
    const f = sp.fold(terms);
    if (!f) return [];
    return sp.neighbours(f, Number(opt.expand), new Set(terms)).map((n) => n.term);
  };
}
import MiniSearch from "minisearch";
let pageIndex: MiniSearch | undefined;
if (opt.doc) {
  const byPage = new Map<string, { id: string; article: string; headings: string; text: string }>();
  for (const p of passages) {
    const pg = pageOf(p);
    const e = byPage.get(pg) ?? {
      id: pg,
      article: p.article.replace(/ \(part \d+\)$/, ""),
      headings: "",
      text: "",
    };
    e.headings += " \n " + p.headings.join(" \n ");
    e.text += "\n" + p.text;
    byPage.set(pg, e);
  }
  pageIndex = new MiniSearch({
    fields: ["article", "headings", "text"],
    tokenize: words,
    processTerm: (t) => indexTerm(t, "en"),
    searchOptions: {
      boost: { article: 3, headings: 2, text: 1 },
      processTerm: (t) => t,
      combineWith: "OR",
      bm25: { k: 1.2, b: 0.75, d: 0 },
    },
  });
  pageIndex.addAll([...byPage.values()]);
}
const passageCount = new Map<string, number>();
for (const p of passages) passageCount.set(pageOf(p), (passageCount.get(pageOf(p)) ?? 0) + 1);
async function rankPages(q: string) {
  const hits = base.rank(q);
  const pageBest = new Map<string, { score: number; order: number }>();
  hits.forEach((h, i) => {
    const pg = pageOf(h.passage);
    if (!pageBest.has(pg)) pageBest.set(pg, { score: h.score, order: i });
  });
  let pages = [...pageBest.keys()];
  const conf = new Map([...pageBest].map(([k, v]) => [k, v.score]));
  if (space && hits.length > 0 && !opt.expand) {
    const folded = space.fold(queryTerms(q).map((t) => t.term));
    if (folded) {
      const sims = space.similarities(folded);
      const best = new Map<string, number>();
      passages.forEach((p, i) => {
        const pg = pageOf(p);
        if ((best.get(pg) ?? -2) < sims[i]!) best.set(pg, sims[i]!);
      });
      const semPages = [...best.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
      const fused = new Map<string, number>();
      const rk = Number(opt.rrf ?? 60),
        w = Number(opt.w ?? 1);
      pages.forEach((pg, i) => fused.set(pg, 1 / (rk + i + 1)));
      semPages.forEach((pg, i) => {
        if (opt.only !== "lex" || fused.has(pg)) fused.set(pg, (fused.get(pg) ?? 0) + w / (rk + i + 1));
      });
      pages = [...fused.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
    }
  }
  if (opt.lenprior && hits.length > 0) {
    const alpha = Number(opt.lenprior);
    const lists = new Map<string, number[]>();
    for (const h of hits) {
      const pg = pageOf(h.passage);
      const l = lists.get(pg) ?? [];
      l.push(h.bm25 ?? 0);
      lists.set(pg, l);
    }
    const score = new Map<string, number>();
    for (const [pg, l] of lists) {
      l.sort((a, b) => b - a);
      const raw = l.slice(0, 3).reduce((sum, v, i) => sum + v * 0.5 ** i, 0);
      score.set(pg, raw / Math.log2(1 + (passageCount.get(pg) ?? 1)) ** alpha);
    }
    pages = [...score.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  }
  if (pageIndex && hits.length > 0) {
    const docPages = pageIndex
      .search(
        queryTerms(q)
          .map((t) => t.term)
          .join(" "),
      )
      .map((r) => String(r.id));
    const fused = new Map<string, number>();
    const rk = Number(opt.rrf ?? 60),
      w = Number(opt.w ?? 1);
    pages.forEach((pg, i) => fused.set(pg, 1 / (rk + i + 1)));
    docPages.forEach((pg, i) => {
      if (fused.has(pg)) fused.set(pg, fused.get(pg)! + w / (rk + i + 1));
    });
    if (opt.doc === "alone") pages = docPages.filter((pg) => fused.has(pg));
    else pages = [...fused.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  }
  if (opt.title && hits.length > 0) {
    const [qv] = await embedWithEmbeddedModel([q], { urgent: true });
    const sims = pageKeys
      .map((k, i) => [k, quantizedCosine(qv!, pageVec[i]!)] as const)
      .sort((a, b) => b[1] - a[1])
      .map(([k]) => k);
    const fused = new Map<string, number>();
    const rk = Number(opt.rrf ?? 60),
      w = Number(opt.w ?? 1);
    pages.forEach((pg, i) => fused.set(pg, 1 / (rk + i + 1)));
    sims.forEach((pg, i) => {
      if (fused.has(pg)) fused.set(pg, fused.get(pg)! + w / (rk + i + 1));
    });
    pages = [...fused.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  }
  return { hits, pages, conf };
}
import {
  embedWithEmbeddedModel,
  quantizedCosine,
  stopEmbeddedModel,
} from "../src/server/chat/knowledge/embedded-model.ts";
const pageText = new Map<string, string>();
for (const p of passages) {
  const pg = pageOf(p);
  if (!pageText.has(pg))
    pageText.set(
      pg,
      `${p.article.replace(/ \(part \d+\)$/, "").replace(/^[\d.]+\s+/, "")}. ${opt.nosum ? "" : p.summary}`,
    );
}
const pageKeys = [...pageText.keys()];
let pageVec: Int8Array[] = [];
if (opt.title) {
  const t = performance.now();
  pageVec = await embedWithEmbeddedModel(pageKeys.map((k) => pageText.get(k)!));
  console.error(`titles embedded ${(performance.now() - t).toFixed(0)} ms`);
}
const verbose = process.argv.includes("--verbose");
console.error(`build ${(performance.now() - t0).toFixed(0)} ms, ${passages.length} passages`);
let first = 0,
  top3 = 0;
const classes: Record<string, number> = {};
const fileOfPage = (pg: string) => fileOfSlug.get(pg) ?? fileOfSlug.get(`${pg}-part-1`) ?? pg;
for (const { q, expect } of set.questions as { q: string; expect: string[] }[]) {
  const { hits, pages: pageSlugs, conf: confOf } = await rankPages(q);
  const pages = pageSlugs.map(fileOfPage);
  const conf = pageSlugs.map((pg) => confOf.get(pg) ?? 0);
  const rank = pages.findIndex((p) => expect.includes(p));
  const top = hits[0]?.score ?? 0;
  const answered = top >= CONFIDENCE_THRESHOLD;
  const sources = !answered
    ? []
    : opt.nofilter
      ? pages.slice(0, 3)
      : pages
          .filter(
            (_, i) =>
              conf[i]! >= CONFIDENCE_THRESHOLD * Number(opt.thr ?? 1) &&
              conf[i]! >= top * Number(opt.share ?? 0.75),
          )
          .slice(0, 3);
  const ok1 = sources[0] !== undefined && expect.includes(sources[0]);
  const ok3 = sources.some((p) => expect.includes(p));
  if (ok1) first++;
  if (ok3) top3++;
  const cls = ok1
    ? "ok"
    : !answered
      ? rank === 0
        ? "declined-but-first"
        : "declined"
      : rank === -1
        ? "absent"
        : rank < 3
          ? "rank2-3"
          : rank < 10
            ? "rank4-10"
            : "rank>10";
  classes[cls] = (classes[cls] ?? 0) + 1;
  if (verbose && !ok1)
    console.log(
      `${cls.padEnd(18)} r=${rank + 1} conf=${conf[0]?.toFixed(2)} exp=${rank >= 0 ? conf[rank]!.toFixed(2) : "-"} ${q} → ${pages.slice(0, 3).join(", ")} | want ${expect.join(",")}`,
    );
  if (verbose && !ok1 && opt.show)
    console.log(
      "     TOP: " +
        JSON.stringify(hits[0]?.passage.section) +
        " " +
        hits[0]?.passage.text.slice(0, 200).replace(/\n/g, " "),
    );
}
let declined = 0;
for (const q of offTopic) {
  const h = base.rank(q);
  if (!h[0] || h[0].score < CONFIDENCE_THRESHOLD) declined++;
}
console.log(
  `${name}: first ${first}/${set.questions.length} top3 ${top3}/${set.questions.length} declined ${declined}/${offTopic.length} ${JSON.stringify(classes)}`,
);
