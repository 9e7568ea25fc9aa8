import { readFileSync } from "node:fs";
import { z } from "zod";
import { KnowledgeBase, loadKnowledge } from "~/server/chat/responder/knowledge-base";
import { smallTalk } from "~/server/chat/responder/text-terms";

const evalSetSchema = z.object({
  answerable: z.array(z.object({ q: z.string(), expect: z.array(z.tuple([z.string(), z.string()])).min(1) })),
  unanswerable: z.array(z.string()),
  small_talk: z.array(z.string()),
});

/** Runs the evaluation set (content/eval/questions.json) against a knowledge base, lexical retrieval. */
export function evaluateRetrieval(knowledgeDir: string, questionsFile: string) {
  const set = evalSetSchema.parse(JSON.parse(readFileSync(questionsFile, "utf8")));
  const knowledge = new KnowledgeBase(loadKnowledge(knowledgeDir));
  const misses: string[] = [];
  const falseAnswers: string[] = [];
  let answerableCorrect = 0;
  for (const { q, expect } of set.answerable) {
    const top = knowledge.search(q, 1)[0];
    const found = top
      ? `${top.passage.article_slug} › ${top.passage.section} (${top.score.toFixed(2)})`
      : "—";
    const ok =
      top !== undefined &&
      expect.some(([slug, section]) => top.passage.article_slug === slug && top.passage.section === section);
    if (ok) answerableCorrect += 1;
    else {
      const best = knowledge.rank(q)[0];
      misses.push(
        `${JSON.stringify(q)} → ${found}; best ${best ? `${best.passage.section} ${best.score.toFixed(2)}` : "—"}`,
      );
    }
  }
  let unanswerableDeclined = 0;
  for (const q of set.unanswerable) {
    const top = knowledge.search(q, 1)[0];
    if (!top) unanswerableDeclined += 1;
    else falseAnswers.push(`${JSON.stringify(q)} → ${top.passage.section} (${top.score.toFixed(2)})`);
  }
  const smallTalkRecognised = set.small_talk.filter((message) => smallTalk(message) !== null).length;
  return {
    answerableTotal: set.answerable.length,
    answerableCorrect,
    top1Accuracy: answerableCorrect / set.answerable.length,
    unanswerableTotal: set.unanswerable.length,
    unanswerableDeclined,
    declinedShare: unanswerableDeclined / set.unanswerable.length,
    smallTalkTotal: set.small_talk.length,
    smallTalkRecognised,
    misses,
    falseAnswers,
  };
}
