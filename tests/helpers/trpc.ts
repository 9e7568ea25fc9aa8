import { TRPCError, type TRPC_ERROR_CODE_KEY, type TRPCDefaultErrorShape } from "@trpc/server";
import { expect } from "vitest";
import { formatTRPCError } from "~/server/api/errors";
import type { DomainErrorId } from "~/server/errors/app-error";

/**
 * Awaits `promise`, expects it to fail with a TRPCError of `code` and returns the error. `domainCode` is what
 * clients see as `data.domainCode` (read through the real error formatter): the domain error's code, or
 * VALIDATION_FAILED for invalid input; `message` must match the error's message.
 */
export async function expectTrpcError(
  promise: Promise<unknown>,
  code: TRPC_ERROR_CODE_KEY,
  domainCode?: DomainErrorId | "VALIDATION_FAILED",
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
  if (domainCode) {
    const shape = { message: trpcError.message, data: { code } } as unknown as TRPCDefaultErrorShape;
    expect(formatTRPCError({ shape, error: trpcError }).data.domainCode).toBe(domainCode);
  }
  if (message) expect(trpcError.message).toMatch(message);
  return trpcError;
}
