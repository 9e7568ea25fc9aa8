/**
 * Retrieval quality on the evaluation set (content/eval/questions.json) with the default knowledge base,
 * lexical only: top-1 accuracy on the answerable questions and the share of unanswerable ones answered without
 * sources. `npx tsx bench/retrieval.ts [--verbose]`. Results: bench/RESULTS.md.
 */
import path from "node:path";
import { evaluateRetrieval } from "../testing/retrieval-eval";

const verbose = process.argv.includes("--verbose");
const result = evaluateRetrieval(
  path.resolve("content/knowledge"),
  path.resolve("content/eval/questions.json"),
);
if (verbose) {
  for (const miss of result.misses) console.log(`MISS  ${miss}`);
  for (const wrong of result.falseAnswers) console.log(`FALSE ${wrong}`);
}
console.log(
  `answerable top-1: ${result.answerableCorrect}/${result.answerableTotal} ` +
    `(${(result.top1Accuracy * 100).toFixed(1)} %)`,
);
console.log(
  `unanswerable declined: ${result.unanswerableDeclined}/${result.unanswerableTotal} ` +
    `(${(result.declinedShare * 100).toFixed(1)} %)`,
);
console.log(`small talk recognised: ${result.smallTalkRecognised}/${result.smallTalkTotal}`);
