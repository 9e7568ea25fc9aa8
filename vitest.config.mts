import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "src") } },
  test: {
    include: ["tests/**/*.test.ts"],
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Rate limits are off for the suites that are not about them (tests/protection.test.ts turns them on).
    env: { KNOWLEDGE_STREAM_DELAY_MS: "0", RATE_LIMITS: "off" },
  },
});
