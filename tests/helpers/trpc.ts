import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { expect } from "vitest";
import { ZodError } from "zod";
import type { AppErrorId } from "~/server/errors/app-error";

/**
 * Awaits `promise`, expects it to fail with a TRPCError of `code` and returns the error. `domainCode` is what
 * clients see as `data.domainCode`: the AppError code behind the error, or VALIDATION_FAILED for invalid
 * input; `message` must match the error's message.
 */
export async function expectTrpcError(
  promise: Promise<unknown>,
  code: TRPC_ERROR_CODE_KEY,
  domainCode?: AppErrorId | "VALIDATION_FAILED",
  message?: RegExp,
): Promise<TRPCError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const trpcError = error as TRPCError;
  expect(trpcError.code).toBe(code);
  if (domainCode === "VALIDATION_FAILED") expect(trpcError.cause).toBeInstanceOf(ZodError);
  else if (domainCode) expect((trpcError.cause as { code?: unknown } | undefined)?.code).toBe(domainCode);
  if (message) expect(trpcError.message).toMatch(message);
  return trpcError;
}
