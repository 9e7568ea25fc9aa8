import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { TEST_ADMIN_API_KEY, TEST_BETTER_AUTH_SECRET } from "./testing/test-env";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "src") } },
  test: {
    include: ["tests/**/*.test.ts"],
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
    environment: "node",
    // Most files wait on servers, databases and Redis rather than the CPU: two at once halve the suite's time on
    // a 2-core machine (594 s → 288 s, all passing); vitest's default there would be one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      KNOWLEDGE_STREAM_DELAY_MS: "0",
      // Rate limits are off for the suites that are not about them (tests/protection.test.ts turns them on).
      RATE_LIMITS: "off",
      // The embedded sentence model costs CPU seconds per knowledge base: the suites that are not about it rank
      // lexically (tests/knowledge-embedded-model.test.ts runs it for real).
      EMBEDDED_EMBEDDINGS: "off",
      // Admin sessions are signed with this in tests (and the servers they start), never a file under ./data.
      ADMIN_API_KEY: TEST_ADMIN_API_KEY,
      BETTER_AUTH_SECRET: TEST_BETTER_AUTH_SECRET,
    },
  },
});
