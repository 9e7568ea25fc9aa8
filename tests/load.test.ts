/**
 * CI version of bench/load.ts: 20 concurrent visitors × 5 messages over REST and over the SSE stream, on each
 * database. Asserts on what the database stored (0 lost, 0 duplicated, every reply complete) and 0 × 5xx —
 * never on timings.
 */
import { describe, expect, it } from "vitest";
import { runLoad, type LoadMode } from "../bench/load-core";
import { describeEachServer } from "./helpers/server";

const VISITORS = 20;
const MESSAGES = 5;

describeEachServer(
  "load: 20 visitors × 5 messages",
  (target) => {
    describe.each<LoadMode>(["rest", "sse"])("over %s", (mode) => {
      it("stores every message exactly once, with a complete reply, and never answers 5xx", async () => {
        const { baseUrl, database } = target();
        const report = await runLoad({
          baseUrl,
          db: database.db,
          visitors: VISITORS,
          messages: MESSAGES,
          mode,
        });
        expect(report.failures).toEqual([]);
        expect(report.sent).toBe(VISITORS * MESSAGES);
        expect(report.status5xx).toBe(0);
        expect(report.otherFailures).toBe(0);
        expect(report.lost).toBe(0);
        expect(report.duplicated).toBe(0);
        expect(report.badReplies).toBe(0);
      }, 60_000);
    });
  },
  { env: () => ({ RATE_LIMITS: "off", KNOWLEDGE_STREAM_DELAY_MS: "0" }) },
);
