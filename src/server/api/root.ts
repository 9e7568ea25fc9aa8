import { adminRouter } from "./routers/admin";
import { messagesRouter } from "./routers/messages";
import { sessionsRouter } from "./routers/sessions";
import { visitorsRouter } from "./routers/visitors";
import { widgetRouter } from "./routers/widget";
import type { AnyProcedure } from "@trpc/server";
import { createCallerFactory, createTRPCRouter, type ProcedureMeta } from "./trpc";

export const appRouter = createTRPCRouter({
  visitors: visitorsRouter,
  sessions: sessionsRouter,
  messages: messagesRouter,
  admin: adminRouter,
  widget: widgetRouter,
});

export type AppRouter = typeof appRouter;

/**
 * Each procedure's meta by its dotted path ("messages.chat"), for the REST bridge and the OpenAPI document:
 * tRPC keeps a flat path → procedure map beside the nested record.
 */
export const procedureMetaByPath: ReadonlyMap<string, ProcedureMeta | undefined> = new Map(
  Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).map(
    ([path, procedure]) => [path, procedure._def.meta as ProcedureMeta | undefined],
  ),
);

/** Server-side caller (tests, server components): `createCaller(ctx).sessions.list(…)`. */
export const createCaller = createCallerFactory(appRouter);
