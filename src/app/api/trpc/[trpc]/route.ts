import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { prepareTrpcRequest, TRPC_ENDPOINT, TRPC_MAX_BATCH_SIZE } from "~/server/api/http";
import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { AppError } from "~/server/errors/app-error";
import { drainRepliesAfterResponse } from "~/server/runtime/drain";
import { logError, requestIdOf } from "~/server/observability/logger";

async function handler(request: Request) {
  // Path, batch size, body size, streaming link, and a streamed call's rate limits: checked before tRPC runs.
  const prepared = await prepareTrpcRequest(request);
  if ("response" in prepared) return prepared.response;
  // `after()` costs on every request: registered only for the calls that start replies.
  if (prepared.startsReply) drainRepliesAfterResponse();
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: prepared.request,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH_SIZE,
    createContext: () =>
      createTRPCContext({ headers: request.headers, rateLimitsConsumed: prepared.rateLimitsConsumed }),
    // An error's headers, as on the REST bridge: 429s carry Retry-After and RateLimit-*, 503s Retry-After.
    responseMeta({ errors }) {
      for (const { cause } of errors) {
        const headers = cause instanceof AppError ? cause.headers() : undefined;
        if (headers) return { headers: new Headers(headers) };
      }
      return {};
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR")
        logError("tRPC request failed", error.cause ?? error, {
          requestId: requestIdOf(request.headers),
          procedure: path ?? "?",
        });
    },
  });
}

export { handler as GET, handler as POST };
