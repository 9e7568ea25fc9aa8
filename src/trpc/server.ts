import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";

/**
 * Server components call the API through here: the same procedures (and admin checks) as /api/trpc, without
 * HTTP. The context is built once per request from the request's headers (cached: layout and page share it).
 */
export const serverContext = cache(async () => createTRPCContext({ headers: new Headers(await headers()) }));

/** A server-side tRPC caller for this request: `(await serverCaller()).admin.visitors.list(…)`. */
export async function serverCaller() {
  return createCaller(await serverContext());
}
