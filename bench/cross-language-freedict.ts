/**
 * Cross-language matching with a bilingual dictionary that a package ships (issue 22): FreeDict's German, French
 * and Spanish → English dictionaries from Debian (`apt-get install -y dict-freedict-deu-eng dict-freedict-fra-eng
 * dict-freedict-spa-eng`, dictd format in /usr/share/dictd). Each word of a question in another language is
 * replaced by its first translations, and the English query is ranked lexically against the English docs.
 * A measurement only: nothing in the app uses these dictionaries.
 *
 *   npx tsx bench/cross-language-freedict.ts --cache DIR   (articles saved by bench/answers-eval.ts --cache DIR)
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { articlePassages } from "~/server/chat/knowledge/articles";
import { KnowledgeBase, pageOf } from "~/server/chat/responder/knowledge-base";
import { parseFlags } from "./lib";

const flags = parseFlags();
if (!flags.cache) throw new Error("--cache DIR is needed");
const DICTIONARIES: Record<string, string> = { de: "deu-eng", fr: "fra-eng", es: "spa-eng" };
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const decode = (text: string) => [...text].reduce((value, char) => value * 64 + B64.indexOf(char), 0);

/** word → its first translations (at most 3), from the dictd files. */
function loadDictionary(name: string): Map<string, string[]> {
  const base = `/usr/share/dictd/freedict-${name}`;
  if (!existsSync(`${base}.index`))
    throw new Error(`${base}.index is missing: apt-get install dict-freedict-${name}`);
  const data = gunzipSync(readFileSync(`${base}.dict.dz`));
  const map = new Map<string, string[]>();
  for (const line of readFileSync(`${base}.index`, "utf8").split("\n")) {
    const [word, offset, length] = line.split("\t");
    if (!word || !offset || !length || word.startsWith("00-")) continue;
    const key = word.toLowerCase();
    // A headword has an entry per sense: the first translation of each of its first three senses.
    if ((map.get(key)?.length ?? 0) >= 3) continue;
    const entry = data.subarray(decode(offset), decode(offset) + decode(length)).toString("utf8");
    const translations = entry
      .split("\n")
      .slice(1)
      .map((row) => row.replace(/^\s*\d+\.\s*/, "").trim())
      .filter((row) => row && !/^(Notes?|Synonyms?|see|Antonyms?):/.test(row) && !row.startsWith('"'))
      .flatMap((row) => row.split(/,\s*/))
      .map((translation) => translation.replace(/\(.*?\)|\[.*?\]|\{.*?\}|<.*?>/g, "").trim())
      .filter(Boolean)
      .slice(0, 1);
    if (translations.length > 0) map.set(key, [...(map.get(key) ?? []), ...translations]);
  }
  return map;
}

async function main(): Promise<void> {
  const dictionaries = new Map<string, Map<string, string[]>>();
  for (const [lang, name] of Object.entries(DICTIONARIES)) {
    const start = performance.now();
    dictionaries.set(lang, loadDictionary(name));
    console.log(
      `${name}: ${dictionaries.get(lang)!.size} headwords, loaded in ${(performance.now() - start).toFixed(0)} ms`,
    );
  }
  for (const name of ["sqlite", "debian-handbook"]) {
    const set = JSON.parse(readFileSync(path.resolve(`content/eval/${name}.json`), "utf8")) as {
      other_language: { lang: string; q: string; expect: string[] }[];
    };
    const articles = JSON.parse(readFileSync(path.join(flags.cache!, `${name}.json`), "utf8")) as {
      slug: string;
      title: string;
      body: string;
      source_url: string;
    }[];
    const fileOf = new Map(
      articles.map((article) => [
        article.slug,
        article.source_url.replace(/^upload:/, "").replace(/#part-\d+$/, ""),
      ]),
    );
    const base = await KnowledgeBase.build(articles.flatMap((article) => articlePassages(article)));
    let before = 0;
    let after = 0;
    let covered = 0;
    for (const { lang, q, expect } of set.other_language) {
      const top3 = (question: string, language: "en" | null) => {
        const pages: string[] = [];
        for (const hit of base.rank(question, { language })) {
          const page = fileOf.get(pageOf(hit.passage)) ?? fileOf.get(hit.passage.article_slug) ?? "";
          if (!pages.includes(page)) pages.push(page);
          if (pages.length === 3) break;
        }
        return pages;
      };
      if (top3(q, null).some((page) => expect.includes(page))) before += 1;
      const dictionary = dictionaries.get(lang);
      if (!dictionary) continue;
      covered += 1;
      const english = (q.toLowerCase().match(/[\p{Letter}\p{Number}]+/gu) ?? [])
        .map((word) => dictionary.get(word)?.join(" ") ?? word)
        .join(" ");
      const pages = top3(english, "en");
      const hit = pages.some((page) => expect.includes(page));
      if (hit) after += 1;
      console.log(`${hit ? "TOP3" : "MISS"} [${lang}] ${q}\n      → ${english}\n      → ${pages.join(", ")}`);
    }
    console.log(
      `## ${name}: other language top 3 without the dictionaries ${before}/${set.other_language.length}, ` +
        `with them ${after}/${covered} of the de/fr/es questions (ar: no dictionary)\n`,
    );
  }
}

void main();
