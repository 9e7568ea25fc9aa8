/**
 * How visitor questions and help articles are cut into search terms: lower-cased words, stop words dropped,
 * a light suffix stemmer (so "deleting", "deleted" and "delete" meet), and synonyms that map a visitor's own
 * words onto the wording the articles use ("site" → "website", "color" → "colour", "erase" → "delete").
 */

/** Words that carry no topic: question words, pronouns, auxiliaries, fillers. */
const STOP_WORDS = new Set(
  (
    "a an the and or but if then so of to in on at by for with from into onto about as is are was were be been " +
    "being am do does did doing done have has had having i me my mine myself you your yours we us our it its " +
    "this that these those there here what which who whom whose when where why how can could would should will " +
    "shall may might must not no yes any some all each every just also only very too again please thanks hi " +
    "hello hey get got gets make makes want wanted need needs like know tell give use using used one way " +
    "thing things something anything there's it's i'm dont don't doesnt doesn't cant can't isnt isn't im pls " +
    "plz ok okay look looks looking still really much many more most other others than out up down off over under while"
  ).split(" "),
);

/** A light English stemmer: enough to join singular/plural and -ing/-ed forms of the same word. */
export function stem(word: string): string {
  let term = word;
  if (term.length > 4 && term.endsWith("ies")) term = `${term.slice(0, -3)}y`;
  else if (term.length > 4 && term.endsWith("sses")) term = term.slice(0, -2);
  else if (term.length > 3 && term.endsWith("s") && !/(ss|us|is)$/.test(term)) term = term.slice(0, -1);
  if (term.length > 5 && term.endsWith("ing")) term = term.slice(0, -3);
  else if (term.length > 4 && term.endsWith("ed")) term = term.slice(0, -2);
  if (/([b-df-hj-np-tv-z])\1$/.test(term) && !/(ss|ll)$/.test(term)) term = term.slice(0, -1);
  if (term.length > 3 && term.endsWith("e")) term = term.slice(0, -1);
  return term;
}

/**
 * Visitor wording → the articles' wording (each key and value is a raw word; both are stemmed). Drawn from the
 * articles in content/knowledge: each value is a word those articles use for the same thing.
 */
const SYNONYMS: Record<string, string[]> = {
  site: ["website"],
  webpage: ["website", "page"],
  homepage: ["website"],
  domain: ["website", "site"],
  color: ["colour", "accent"],
  colors: ["colour", "accent"],
  theme: ["mode", "colour"],
  erase: ["delete", "clear"],
  remove: ["delete"],
  wipe: ["clear", "delete"],
  begin: ["start"],
  restart: ["start", "fresh"],
  answer: ["reply"],
  response: ["reply"],
  cancel: ["stop"],
  halt: ["stop"],
  interrupt: ["stop"],
  save: ["store", "kept"],
  saved: ["stored", "kept"],
  keep: ["kept", "store"],
  chat: ["conversation"],
  chats: ["conversations"],
  conversation: ["chat"],
  thread: ["conversation"],
  put: ["add", "embed"],
  embed: ["add"],
  embedding: ["add"],
  install: ["add", "embed"],
  insert: ["add", "paste"],
  snippet: ["script", "embed"],
  code: ["script", "embed"],
  linebreak: ["line"],
  newline: ["line"],
  information: ["data", "details"],
  informations: ["data", "details"],
  info: ["data", "details"],
  people: ["who", "visitors"],
  someone: ["who"],
  read: ["see"],
  gone: ["removed", "empty"],
  old: ["earlier"],
  writing: ["replying"],
  typing: ["replying"],
  lost: ["empty"],
  disappeared: ["empty"],
  phone: ["device"],
  mobile: ["device"],
  again: ["retry"],
  slow: ["slow"],
  hang: ["stuck"],
  freeze: ["stuck"],
  spec: ["openapi", "documentation"],
  docs: ["documentation"],
  token: ["stream", "pieces"],
  realtime: ["stream"],
  live: ["stream"],
  signup: ["account", "signing"],
  register: ["account"],
  registration: ["account"],
  login: ["account", "password"],
  refused: ["rejected"],
  length: ["long", "characters"],
  limit: ["characters", "limited"],
  max: ["most", "characters"],
  visible: ["showing", "appear"],
  appear: ["show", "showing"],
  invisible: ["showing"],
  missing: ["showing", "appear"],
  hidden: ["showing"],
  launcher: ["button", "launcher"],
  customer: ["visitor"],
  user: ["visitor"],
  users: ["visitors"],
  json: ["json", "envelope"],
  fail: ["failed"],
  failing: ["failed"],
  broken: ["failed"],
  third: ["third-party"],
  database: ["data", "stored"],
  db: ["database"],
  postgres: ["postgresql"],
  postgre: ["postgresql"],
  sqlite: ["sqlite"],
};

const STEMMED_SYNONYMS = new Map(
  Object.entries(SYNONYMS).map(([word, alternatives]) => [
    stem(word),
    [...new Set(alternatives.map((alternative) => stem(alternative)))],
  ]),
);

/** Raw words of a text, lower-cased (letters, digits and inner apostrophes). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{Letter}\p{Number}]+(?:'[\p{Letter}]+)?/gu) ?? [];
}

/** One word as an index term, or null for a stop word. */
export function indexTerm(word: string): string | null {
  const lower = word.toLowerCase();
  if (STOP_WORDS.has(lower) || lower.length < 2) return null;
  return stem(lower);
}

/** The topic terms of a question: each with the article-wording alternatives it also matches. */
export function queryTerms(question: string): { term: string; alternatives: string[] }[] {
  const seen = new Set<string>();
  const terms: { term: string; alternatives: string[] }[] = [];
  for (const word of words(question)) {
    const term = indexTerm(word);
    if (term === null || seen.has(term)) continue;
    seen.add(term);
    const alternatives = (STEMMED_SYNONYMS.get(term) ?? []).filter((alternative) => alternative !== term);
    terms.push({ term, alternatives });
  }
  return terms;
}

/** Short messages that are only a greeting, thanks or goodbye. */
const SMALL_TALK =
  /^(?:(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening|day)|thanks?(?: you)?(?: (?:a lot|so much|very much))?|thx|ty|cheers|great|cool|nice|perfect|awesome|ok(?:ay)?|bye|goodbye|good ?bye|see you|see ya|have a nice day|that helps|that helped)[\s!.,?:)]*)+$/i;

export type SmallTalk = "greeting" | "thanks" | "goodbye";

export function smallTalk(message: string): SmallTalk | null {
  const text = message.trim().toLowerCase();
  if (text.length > 60 || !SMALL_TALK.test(text)) return null;
  if (/\b(?:bye|goodbye|see you|see ya|have a nice day)\b/.test(text)) return "goodbye";
  if (/\b(?:thanks?|thx|ty|cheers|helps|helped|great|perfect|awesome)\b/.test(text)) return "thanks";
  return "greeting";
}
