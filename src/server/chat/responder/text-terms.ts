import { newStemmer, type Stemmer } from "snowball-stemmers";
import { ara, deu, eng, fra, spa } from "stopword";
import { detect } from "tinyld";

/**
 * How questions and help articles are cut into search terms, in every language the widget speaks (en, de, fr,
 * es, ar): lower-cased words (Arabic diacritics and tatweel removed), the language's stop words dropped
 * (the `stopword` package's lists, plus the fillers of a help-desk question), and the language's Snowball
 * stemmer (`snowball-stemmers`), so "deleting", "deleted" and "delete" meet, and "Benutzer"/"Benutzern" too.
 * There is no synonym list: a list written from some articles only helps those articles.
 */
export const LANGUAGES = ["en", "de", "fr", "es", "ar"] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: string | null | undefined): value is Language {
  return (LANGUAGES as readonly string[]).includes(value ?? "");
}

/** Words that only carry the question's form in a help-desk chat ("how can I …", "please tell me …"). */
const QUESTION_FILLERS: Record<Language, string[]> = {
  en: (
    "please thanks hi hello hey can could would should will shall may might must get got gets make makes want " +
    "wanted need needs like know tell give use using used way thing things something anything also just still " +
    "really much many there's it's i'm dont don't doesnt doesn't cant can't isnt isn't im pls plz ok okay"
  ).split(" "),
  de: "bitte danke hallo kann könnte möchte will muss wie was wo wer warum gibt geht machen".split(" "),
  fr: "merci bonjour svp comment quoi pourquoi peux peut puis faire veux voudrais dois".split(" "),
  es: "gracias hola por favor cómo como qué que puedo puede quiero necesito hacer".split(" "),
  ar: "من فضلك شكرا مرحبا كيف ماذا لماذا هل يمكن يمكنني أريد".split(" "),
};

const STOP_WORDS: Record<Language, Set<string>> = {
  en: new Set([...eng, ...QUESTION_FILLERS.en]),
  de: new Set([...deu, ...QUESTION_FILLERS.de]),
  fr: new Set([...fra, ...QUESTION_FILLERS.fr]),
  es: new Set([...spa, ...QUESTION_FILLERS.es]),
  ar: new Set([...ara, ...QUESTION_FILLERS.ar].map((word) => normalizeWord(word))),
};

const STEMMER_NAMES: Record<Language, string> = {
  en: "english",
  de: "german",
  fr: "french",
  es: "spanish",
  ar: "arabic",
};
const stemmers = new Map<Language, Stemmer>();

/** A word without case, Arabic diacritics (harakat) or tatweel. */
function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/[\u064b-\u065f\u0670\u0640]/g, "");
}

/** Stems already computed, per language (a vocabulary is small; the Snowball code is not fast). */
const stemCache = new Map<Language, Map<string, string>>();
const STEM_CACHE_MAX = 200_000;

/** The Snowball stem of a lower-cased word in `language` (cached). */
export function stem(word: string, language: Language = "en"): string {
  let cache = stemCache.get(language);
  if (!cache) stemCache.set(language, (cache = new Map()));
  const known = cache.get(word);
  if (known !== undefined) return known;
  let stemmer = stemmers.get(language);
  if (!stemmer) {
    stemmer = newStemmer(STEMMER_NAMES[language]);
    stemmers.set(language, stemmer);
  }
  const result = stemmer.stem(word);
  if (cache.size >= STEM_CACHE_MAX) cache.clear();
  cache.set(word, result);
  return result;
}

/** Raw words of a text, lower-cased (letters and digits; Arabic without diacritics). */
export function words(text: string): string[] {
  return (normalizeWord(text).match(/[\p{Letter}\p{Number}]+/gu) ?? []).filter((word) => word.length < 40);
}

/** Index terms already computed, per language (null: a stop word). */
const termCache = new Map<Language, Map<string, string | null>>();

/** One word as an index term in `language`, or null for a stop word or a single character (cached). */
export function indexTerm(word: string, language: Language = "en"): string | null {
  let cache = termCache.get(language);
  if (!cache) termCache.set(language, (cache = new Map()));
  const known = cache.get(word);
  if (known !== undefined) return known;
  const lower = normalizeWord(word);
  const term = lower.length < 2 || STOP_WORDS[language].has(lower) ? null : stem(lower, language);
  if (cache.size >= STEM_CACHE_MAX) cache.clear();
  cache.set(word, term);
  return term;
}

/**
 * The language of a text among the widget's five, or null when it cannot be told (too short, or another
 * language). Arabic script decides at once; otherwise tinyld's guess, restricted to en/de/fr/es.
 */
export function detectLanguage(text: string): Language | null {
  if (/[\u0600-\u06ff]/.test(text)) return "ar";
  // Words are runs of letters between spaces and punctuation; a token with digits in it (an order number, an id
  // such as "mxd7rmbg") is not one, and its letters are not words either.
  const found = text
    .split(/[\s\p{P}\p{S}]+/u)
    .filter((token) => /^\p{Letter}[\p{Letter}\p{Mark}]+$/u.test(token));
  if (found.length < 3) return null;
  const guess = detect(found.join(" "), { only: ["en", "de", "fr", "es"] });
  return isLanguage(guess) ? guess : null;
}

/**
 * The topic terms of a question: each distinct word that is not a stop word, stemmed in the question's language
 * and — when the articles are written in another one — in theirs too (both stems are searched).
 */
export function queryTerms(
  question: string,
  options: { language?: Language | null; articlesLanguage?: Language } = {},
): { term: string; alternatives: string[] }[] {
  const articlesLanguage = options.articlesLanguage ?? "en";
  const language = options.language ?? detectLanguage(question) ?? articlesLanguage;
  const seen = new Set<string>();
  const terms: { term: string; alternatives: string[] }[] = [];
  for (const word of words(question)) {
    if (STOP_WORDS[language].has(word) || STOP_WORDS[articlesLanguage].has(word) || word.length < 2) continue;
    const term = stem(word, articlesLanguage);
    if (seen.has(term)) continue;
    seen.add(term);
    const own = language === articlesLanguage ? term : stem(word, language);
    terms.push({ term, alternatives: own === term ? [] : [own] });
  }
  return terms;
}

/** Greetings, thanks and goodbyes in the widget's five languages (alternatives of a regular expression). */
const SMALL_TALK_WORDS: Record<Language, Record<SmallTalk, string>> = {
  en: {
    greeting: "hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening|day)",
    thanks:
      "thanks?(?: you)?(?: (?:a lot|so much|very much))?|thx|ty|cheers|great|cool|nice|perfect|awesome|ok(?:ay)?|that helps|that helped",
    goodbye: "bye|goodbye|good ?bye|see you|see ya|have a nice day",
  },
  de: {
    greeting: "hallo|guten (?:morgen|tag|abend)|servus|moin",
    thanks: "danke(?: schön| sehr)?|vielen dank|super|prima",
    goodbye: "tschüss|tschüs|auf wiedersehen|bis bald",
  },
  fr: {
    greeting: "bonjour|bonsoir|salut|coucou",
    thanks: "merci(?: beaucoup)?|parfait|génial",
    goodbye: "au revoir|à bientôt|bonne journée",
  },
  es: {
    greeting: "hola|buenas(?: tardes| noches)?|buenos días|buen día",
    thanks: "gracias|muchas gracias|perfecto|genial|vale",
    goodbye: "adiós|adios|hasta luego|chao",
  },
  ar: {
    greeting: "مرحبا|مرحبًا|اهلا|أهلا|السلام عليكم|صباح الخير|مساء الخير",
    thanks: "شكرا|شكرًا|شكرا جزيلا|ممتاز",
    goodbye: "مع السلامة|وداعا",
  },
};

export type SmallTalk = "greeting" | "thanks" | "goodbye";

const ALL_SMALL_TALK = LANGUAGES.flatMap((language) => Object.values(SMALL_TALK_WORDS[language])).join("|");
const SMALL_TALK = new RegExp(`^(?:(?:${ALL_SMALL_TALK})[\\s!.,?¿¡:)،؟]*)+$`, "iu");
const contains = (alternatives: string, text: string) =>
  new RegExp(`(?:^|[\\s,.!¡¿])(?:${alternatives})(?=$|[\\s,.!?؟،])`, "iu").test(text);

/** A short message that is only a greeting, thanks or goodbye (in one of the five languages), else null. */
export function smallTalk(message: string): SmallTalk | null {
  const text = message.trim().toLowerCase();
  if (text.length > 60 || !SMALL_TALK.test(text)) return null;
  const all = (kind: SmallTalk) => LANGUAGES.map((language) => SMALL_TALK_WORDS[language][kind]).join("|");
  if (contains(all("goodbye"), text)) return "goodbye";
  if (contains(all("thanks"), text)) return "thanks";
  return "greeting";
}

/** The language of a small-talk message: the first of de/fr/es/ar whose words it uses, else null. */
export function smallTalkLanguage(message: string): Language | null {
  const text = message.trim().toLowerCase();
  for (const language of ["ar", "de", "fr", "es"] as const)
    if (Object.values(SMALL_TALK_WORDS[language]).some((alternatives) => contains(alternatives, text)))
      return language;
  return null;
}

/**
 * "Can I talk to a person / human / agent?" in the widget's five languages: the knowledge base cannot answer
 * that, a person can.
 */
const ASKS_FOR_PERSON = [
  /\b(talk|speak|chat|connect)\b.{0,30}\b(person|human|agent|someone|somebody|operator|support team)\b/i,
  /\b(mensch(en)?|mitarbeiter(in)?|person|berater(in)?|jemandem)\b.{0,30}\b(sprechen|reden|chatten)\b/i,
  /\b(parler|discuter)\b.{0,30}\b(personne|humain|agent|conseill[eè]re?|quelqu'un|opérateur)\b/i,
  /\b(hablar|chatear)\b.{0,30}\b(persona|humano|agente|alguien|operador)\b/i,
  /(التحدث|أتحدث|اتحدث|التكلم|أتكلم|اتكلم).{0,30}(شخص|إنسان|انسان|موظف|أحد|وكيل)/,
];

export function asksForPerson(message: string): boolean {
  return ASKS_FOR_PERSON.some((pattern) => pattern.test(message));
}
