import { adminRouter } from "./routers/admin";
import { messagesRouter } from "./routers/messages";
import { sessionsRouter } from "./routers/sessions";
import { visitorsRouter } from "./routers/visitors";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  visitors: visitorsRouter,
  sessions: sessionsRouter,
  messages: messagesRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller (tests, server components): `createCaller(ctx).sessions.list(…)`. */
export const createCaller = createCallerFactory(appRouter);
