import { TRPCClientError } from "@trpc/client";

function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (typeof data === "object" && data !== null && "httpStatus" in data) {
    const status = (data as { httpStatus: unknown }).httpStatus;
    return typeof status === "number" ? status : undefined;
  }
  return undefined;
}

/** Network down, connection cut, or a 5xx: worth retrying on its own. A 4xx will not change on retry. */
export function isTransientError(error: unknown): boolean {
  if (isAbortError(error)) return false;
  const status = httpStatusOf(error);
  return status === undefined || status >= 500;
}

/** The server answered that the thing is unknown (or the id malformed, which it reports the same way). */
export function isNotFoundError(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === 404 || status === 400;
}

export function isAbortError(error: unknown): boolean {
  if (error instanceof DOMException && error.name === "AbortError") return true;
  if (error instanceof Error && error.name === "AbortError") return true;
  return error instanceof TRPCClientError && isAbortError(error.cause);
}

/** The server's own words for a 4xx (they say what to do next); a generic line otherwise. */
export function messageOf(error: unknown): string {
  if (error instanceof TRPCClientError && httpStatusOf(error) !== undefined && !isTransientError(error)) {
    return error.message;
  }
  return "Something went wrong. Please try again.";
}

/** 1 s, 2 s, 4 s … capped at 15 s. */
export function backoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** attempt, 15_000);
}
