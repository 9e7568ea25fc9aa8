/**
 * ChatDeps for tests: complete, as the runtime builds them (src/server/runtime/runtime.ts), with an in-process
 * event bus and the environment's default settings written out (not read from the environment, so a test does
 * not depend on the shell it runs in). Override what a test is about: `testDeps(database(), { responder })`,
 * `testDeps(database(), { config: testConfig({ handoffTimeoutMs: 1_000 }) })`.
 */
import type { AuditBy } from "~/server/chat/audit/audit-record";
import type { AdminConfig, ChatConfig, ChatDeps } from "~/server/chat/deps";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import type { Db } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import { ScriptedResponder } from "../../testing/responders";

/** The defaults of src/env.ts (REPLY_LEASE_SECONDS=30, HANDOFF_TIMEOUT_SECONDS=120, …). */
export const DEFAULT_TEST_CONFIG: ChatConfig = {
  replyTimings: { leaseMs: 30_000, heartbeatMs: 5_000, finalSaveWindowMs: 30_000 },
  handoffTimeoutMs: 120_000,
  attachmentMaxBytes: 10_000_000,
  identity: { required: false },
  admin: {
    widgetAllowedOrigins: "*",
    llmCost: {},
    knowledgeImport: { allowPrivate: false, maxBytes: 2_000_000, timeoutMs: 10_000, maxPages: 25 },
    webhooksAllowPrivate: false,
  },
  email: { continuityDelayMs: 120_000, agentAlertAfterMs: 60_000, publicUrl: "http://localhost:3000" },
};

/** The default config with some settings replaced (`admin` is merged field by field). */
export function testConfig(
  overrides: Partial<Omit<ChatConfig, "admin">> & { admin?: Partial<AdminConfig> } = {},
): ChatConfig {
  return {
    ...DEFAULT_TEST_CONFIG,
    ...overrides,
    admin: { ...DEFAULT_TEST_CONFIG.admin, ...overrides.admin },
  };
}

/**
 * Complete deps on `database` (a test database: `database()` of describeEachDatabase, or `{ db, dialect }`): a
 * responder that answers nothing, a fresh MemoryEventBus and DEFAULT_TEST_CONFIG unless given.
 */
export function testDeps(
  database: { db: Db; dialect: Dialect },
  overrides: Partial<ChatDeps> = {},
): ChatDeps {
  return {
    db: database.db,
    dialect: database.dialect,
    responder: new ScriptedResponder([]),
    events: new MemoryEventBus(),
    config: DEFAULT_TEST_CONFIG,
    ...overrides,
  };
}

/** Who does an admin change in tests (the audit entry's actor): a named key. */
export const TEST_BY: AuditBy = { actor: { kind: "api_key", id: null, name: "test" } };
