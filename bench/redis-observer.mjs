// A third subscriber of the event channel (bench/event-streams.ts --trace): stamps when Redis delivers each
// `message.created` to a client that does nothing else, as lines `channel seq at` in the file given as argv[3].
import { appendFileSync } from "node:fs";
import { Redis } from "ioredis";

const [url, channel, file] = process.argv.slice(2);
const redis = new Redis(url);
let lines = [];
const counts = new Map();
redis.on("message", (_channel, message) => {
  const at = performance.timeOrigin + performance.now();
  const type = /"type":"([^"]+)"/.exec(message)?.[1] ?? "other";
  counts.set(type, (counts.get(type) ?? 0) + 1);
  if (!message.includes('"type":"message.created"')) return;
  const seq = /^\{"seq":(\d+)/.exec(message)?.[1];
  if (seq) lines.push(`channel ${seq} ${at}\n`);
});
const flush = () => {
  if (lines.length === 0) return;
  appendFileSync(file, lines.join(""));
  lines = [];
};
setInterval(flush, 200);
process.on("SIGTERM", () => {
  for (const [type, count] of counts) lines.push(`count ${type} ${count}\n`);
  flush();
  process.exit(0);
});
await redis.subscribe(channel);
process.send?.("ready");
