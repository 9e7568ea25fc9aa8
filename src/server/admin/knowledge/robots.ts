/**
 * robots.txt for the knowledge import: parsing (in the parse worker, parse-worker.ts) and matching (anywhere: it
 * runs in linear time). Rules are path patterns where `*` is any run of characters and a final `$` anchors the
 * end (RFC 9309); a pattern matches a path's prefix. Matching never builds a regular expression: a pattern is
 * split at `*` into literal pieces, each found at its leftmost place after the previous one (leftmost is always
 * the best choice when the only wildcard is `*`), so a check costs O(path length × pieces) at worst instead of
 * the exponential backtracking a `.*`-per-star regex has on `/*a*a*a*a*a*b`.
 */
export interface RobotsRule {
  allow: boolean;
  path: string;
}

/** Cut-offs for hostile files (Google reads the first 500 KiB of a robots.txt). */
export const ROBOTS_MAX_RULES = 10_000;
const ROBOTS_MAX_RULE_CHARS = 2_000;

/** The rules of robots.txt that apply to our user agent (its own group, else `*`). */
export function parseRobots(text: string, agent: string): RobotsRule[] {
  const token = agent.split("/")[0]!.toLowerCase();
  const groups: { agents: string[]; rules: RobotsRule[] }[] = [];
  let current: { agents: string[]; rules: RobotsRule[] } | undefined;
  let lastWasAgent = false;
  let count = 0;
  for (const raw of text.split(/\r?\n/)) {
    const hash = raw.indexOf("#");
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (field === "user-agent") {
      if (!current || !lastWasAgent) groups.push((current = { agents: [], rules: [] }));
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
    } else {
      lastWasAgent = false;
      if (!current || value === "" || value.length > ROBOTS_MAX_RULE_CHARS || count >= ROBOTS_MAX_RULES)
        continue;
      if (field === "disallow" || field === "allow") {
        current.rules.push({ allow: field === "allow", path: value });
        count += 1;
      }
    }
  }
  const own = groups.filter((group) => group.agents.some((name) => name !== "*" && token.includes(name)));
  const chosen = own.length > 0 ? own : groups.filter((group) => group.agents.includes("*"));
  return chosen.flatMap((group) => group.rules);
}

/** Whether the robots pattern `rule` matches `path` (a prefix match unless the pattern ends in `$`). */
export function robotsPatternMatches(rule: string, path: string): boolean {
  const anchored = rule.endsWith("$");
  const pieces = (anchored ? rule.slice(0, -1) : rule).split("*");
  const first = pieces[0]!;
  if (!path.startsWith(first)) return false;
  if (pieces.length === 1) return !anchored || path.length === first.length;
  let position = first.length;
  const last = pieces.length - 1;
  for (let index = 1; index < last; index += 1) {
    const piece = pieces[index]!;
    const found = path.indexOf(piece, position);
    if (found < 0) return false;
    position = found + piece.length;
  }
  const tail = pieces[last]!;
  if (!anchored) return path.indexOf(tail, position) >= 0;
  // Anchored: the last piece must end the path, after everything matched before it.
  return path.length - tail.length >= position && path.endsWith(tail);
}

/** Longest matching rule wins; Allow wins a tie; no match → allowed. */
export function robotsAllows(rules: readonly RobotsRule[], path: string): boolean {
  let best: RobotsRule | undefined;
  for (const rule of rules) {
    if (
      best &&
      (rule.path.length < best.path.length || (rule.path.length === best.path.length && best.allow))
    )
      continue;
    if (robotsPatternMatches(rule.path, path)) best = rule;
  }
  return !best || best.allow;
}
