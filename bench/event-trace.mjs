// Loaded into a server by bench/event-streams.ts --trace (`node --import`): records the stage stamps of every
// `message.created` (src/server/chat/events/trace.ts) as lines `stage seq at` in EVENT_TRACE_FILE, written every
// 200 ms and at exit. Bench-only: the app never loads it.
import { appendFileSync } from "node:fs";

const file = process.env.EVENT_TRACE_FILE;
if (file) {
  let lines = [];
  const flush = () => {
    if (lines.length === 0) return;
    appendFileSync(file, lines.join(""));
    lines = [];
  };
  globalThis.__visitorChatEventTrace = (stage, seq, type, at) => {
    if (type === "message.created") lines.push(`${stage} ${seq} ${at}\n`);
  };
  setInterval(flush, 200).unref();
  process.on("exit", flush);
}
