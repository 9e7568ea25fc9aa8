import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { drainRepliesAfterResponse } from "~/server/runtime/drain";
import { RateLimitedError } from "~/server/protection/rate-limits";

function handler(request: Request) {
  drainRepliesAfterResponse();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createTRPCContext({ headers: request.headers }),
    // 429s carry Retry-After and RateLimit-* headers, as on the REST bridge.
    responseMeta({ errors }) {
      const limited = errors.find((error) => error.cause instanceof RateLimitedError)?.cause;
      return limited instanceof RateLimitedError ? { headers: new Headers(limited.headers()) } : {};
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR")
        console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
