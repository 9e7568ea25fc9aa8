/**
 * The layer boundaries of eslint.config.mjs (docs/architecture.md) really fail a violating import: the project's
 * own ESLint configuration is run on small fixtures placed (virtually) in each guarded folder.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { FEEDBACK_RATINGS } from "~/shared/feedback";
import { MESSAGE_STATUSES } from "~/shared/message-status";
import { HANDOFF_STATUSES, SESSION_MODES } from "~/shared/session-modes";

const eslint = new ESLint({ cwd: process.cwd() });

/** The no-restricted-imports messages ESLint reports for `code` as if it were the file at `filePath`. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = [${usedNames(code)}];\n`, {
    filePath,
  });
  expect(result, filePath).toBeDefined();
  const fatal = result!.messages.filter((message) => message.fatal);
  expect(fatal, `${filePath} parses`).toEqual([]);
  return result!.messages
    .filter((message) => message.ruleId === "no-restricted-imports")
    .map((message) => message.message);
}

/** Names a fixture imports as values, so the fixture has no unused-variable errors of its own. */
function usedNames(code: string): string {
  return [...code.matchAll(/^import (?!type )\{ ([^}]+) \}/gm)]
    .flatMap((match) => match[1]!.split(",").map((name) => name.trim()))
    .filter((name) => !name.startsWith("type "))
    .join(", ");
}

describe("ESLint layer boundaries", { timeout: 120_000 }, () => {
  it("the chat domain may not import Next.js, tRPC, the transports or the runtime", async () => {
    const file = "src/server/chat/sessions/x.ts";
    const violations: string[] = [
      'import { after } from "next/server";',
      'import { TRPCError } from "@trpc/server";',
      'import { generateOpenApiDocument } from "trpc-to-openapi";',
      'import { createTRPCContext } from "../../api/trpc";',
      'import { createTRPCContext } from "~/server/api/trpc";',
      'import { restErrorResponse } from "../../rest/errors";',
      'import { getChatDeps } from "../../runtime/runtime";',
      'import { serverCaller } from "~/trpc/server";',
    ];
    for (const code of violations) expect(await restricted(file, code), code).toHaveLength(1);
    expect(await restricted("src/server/chat/x.ts", 'import { after } from "next/server";')).toHaveLength(1);
    expect(
      await restricted("src/server/chat/x.ts", 'import { createTRPCContext } from "../../api/trpc";'),
    ).toHaveLength(1);
  });

  it("the chat domain and the tRPC routers may not read the environment (deps.config carries it)", async () => {
    const cases: [file: string, code: string][] = [
      ["src/server/chat/x.ts", 'import { env } from "~/env";'],
      ["src/server/chat/handoff/x.ts", 'import { env } from "../../../env";'],
      ["src/server/chat/visitors/x.ts", 'import { env } from "~/env";'],
      ["src/server/chat/sessions/x.ts", 'import { env } from "../../../env.ts";'],
      ["src/server/chat/messages/x.ts", 'import { env } from "~/env";'],
      ["src/server/api/routers/x.ts", 'import { env } from "~/env";'],
      ["src/server/api/routers/x.ts", 'import { env } from "../../../env";'],
    ];
    for (const [file, code] of cases)
      expect(await restricted(file, code), `${file}: ${code}`).toHaveLength(1);
    // The wiring reads it, and so do the transports' set-up and the logger.
    for (const file of ["src/server/runtime/x.ts", "src/server/api/trpc-x.ts"])
      expect(await restricted(file, 'import { env } from "~/env";'), file).toEqual([]);
  });

  it("the chat domain may import its own modules, the database and zod", async () => {
    const file = "src/server/chat/sessions/x.ts";
    for (const code of [
      'import { requireVisitor } from "../visitors/visitors.service";',
      'import { isUuid } from "../ids";',
      'import type { Db } from "../../db/client";',
      'import { z } from "zod";',
    ])
      expect(await restricted(file, code), code).toEqual([]);
  });

  it("chat entities import in one direction: messages → sessions → visitors", async () => {
    const cases: [file: string, code: string, errors: number][] = [
      ["src/server/chat/visitors/x.ts", 'import { toSessionDto } from "../sessions/sessions.service";', 1],
      [
        "src/server/chat/visitors/x.ts",
        'import { toMessageDto } from "~/server/chat/messages/messages.service";',
        1,
      ],
      ["src/server/chat/visitors/x.ts", 'import { after } from "next/server";', 1],
      ["src/server/chat/sessions/x.ts", 'import { toMessageDto } from "../messages/messages.service";', 1],
      ["src/server/chat/sessions/x.ts", 'import { toVisitorDto } from "../visitors/visitors.service";', 0],
      [
        "src/server/chat/messages/x.ts",
        'import { findOwnedSession } from "../sessions/sessions.service";',
        0,
      ],
    ];
    for (const [file, code, errors] of cases)
      expect(await restricted(file, code), `${file}: ${code}`).toHaveLength(errors);
  });

  it("admin services may not import the transports or Next.js, but may use the domain and the runtime", async () => {
    const file = "src/server/admin/visitors/x.ts";
    for (const code of [
      'import { createTRPCContext } from "../../api/trpc";',
      'import { restErrorResponse } from "~/server/rest/errors";',
      'import { headers } from "next/headers";',
    ])
      expect(await restricted(file, code), code).toHaveLength(1);
    for (const code of [
      'import { toVisitorDto } from "../../chat/visitors/visitors.service";',
      'import { getChatDeps } from "../../runtime/runtime";',
      'import { verifyApiKey } from "../api-keys/api-keys.service";',
    ])
      expect(await restricted(file, code), code).toEqual([]);
  });

  it("the runtime may not import admin or the transports, but may use the domain and the database", async () => {
    const file = "src/server/runtime/x.ts";
    for (const code of [
      'import { getStoredWidgetSettings } from "../admin/settings/widget-settings.service";',
      'import { getStoredWidgetSettings } from "~/server/admin/settings/widget-settings.service";',
      'import { createTRPCContext } from "../api/trpc";',
      'import { restErrorResponse } from "~/server/rest/errors";',
    ])
      expect(await restricted(file, code), code).toHaveLength(1);
    for (const code of [
      'import { MemoryEventBus } from "../chat/events/memory-bus";',
      'import { openDatabase } from "../db/client";',
      'import { env } from "~/env";',
    ])
      expect(await restricted(file, code), code).toEqual([]);
  });

  it("components import only types from src/server, and constants from src/shared", async () => {
    const file = "src/components/widget/x.ts";
    for (const code of [
      'import { appRouter } from "~/server/api/root";',
      'import { LIMITS } from "../../server/chat/limits";',
      'import { getChatDeps } from "~/server/runtime/runtime";',
      // The server's re-exports of the shared constants are server modules: the browser takes them from src/shared.
      'import { isRetryableStatus } from "~/server/chat/messages/message-status";',
      'import { MESSAGE_MAX_CHARS } from "../../server/chat/messages/message-limits";',
      'import { SESSION_MODES } from "~/server/chat/sessions/session.schema";',
    ])
      expect(await restricted(file, code), code).toHaveLength(1);
    for (const code of [
      'import type { AppRouter } from "~/server/api/root";',
      'import type { SessionEvent } from "~/server/chat/events/catalogue";',
      'import { isRetryableStatus } from "~/shared/message-status";',
      'import { MESSAGE_MAX_CHARS } from "../../shared/limits";',
      'import { SESSION_MODES, HANDOFF_STATUSES } from "~/shared/session-modes";',
      'import { FEEDBACK_RATINGS } from "~/shared/feedback";',
    ])
      expect(await restricted(file, code), code).toEqual([]);
  });

  it("src/shared is pure: its modules import nothing but each other", async () => {
    const file = "src/shared/x.ts";
    for (const code of [
      'import { z } from "zod";',
      'import { LIMITS } from "../server/chat/limits";',
      'import { LIMITS } from "~/server/chat/limits";',
      'import type { SessionDto } from "~/server/chat/sessions/session.schema";',
      'import { useTRPC } from "~/trpc/react";',
      'import { readFileSync } from "node:fs";',
      'import { after } from "next/server";',
      'import { MESSAGE_MAX_CHARS } from "~/shared/limits";',
      'import { helper } from "./nested/helper";',
      'export { LIMITS } from "../server/chat/limits";',
    ])
      expect(await restricted(file, code), code).toHaveLength(1);
    for (const code of [
      'import { MESSAGE_MAX_CHARS } from "./limits";',
      'import { SESSION_MODES, type SessionMode } from "./session-modes";',
      'export { FEEDBACK_RATINGS } from "./feedback";',
    ])
      expect(await restricted(file, code), code).toEqual([]);
  });

  it("the shared constants are not copied into browser code (src/components, src/app)", () => {
    const lists: (readonly string[])[] = [
      SESSION_MODES,
      HANDOFF_STATUSES,
      MESSAGE_STATUSES,
      FEEDBACK_RATINGS,
    ];
    const copies = lists.flatMap((values) => {
      const quoted = values.map((value) => `"${value}"`);
      return [quoted.join(", "), quoted.join(" | ")];
    });
    const found: string[] = [];
    // Browser code (and the pages beside it): it imports these from src/shared instead of copying them.
    for (const file of [
      ...sourceFiles(path.join("src", "components")),
      ...sourceFiles(path.join("src", "app")),
    ]) {
      const text = readFileSync(file, "utf8");
      for (const copy of copies) if (text.includes(copy)) found.push(`${file}: ${copy}`);
      // An input's length limit is the server's: a constant of src/shared, never a number typed again.
      for (const [literal] of text.matchAll(/maxLength=\{[\d_]+\}/g)) found.push(`${file}: ${literal}`);
    }
    expect(found).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(entry.name) ? [file] : [];
  });
}
