import { APIError } from "better-auth/api";
import { env } from "~/env";
import type { ChatDeps } from "../../chat/deps";
import { errorMessage } from "../../errors/app-error";
import { addressBucket, clientIp } from "../../protection/client-address";
import { enforceRateLimit, RateLimitedError } from "../../protection/rate-limits";
import { admitSlidingAttempt } from "./sign-in-window";

/**
 * Brute-force protection of admin sign-in:
 * - per account *and* client address, over true sliding windows (sign-in-window.ts, in the database so every
 *   instance shares them): RATE_LIMIT_SIGN_IN_PER_IP attempts (5 in any minute) and RATE_LIMIT_SIGN_IN_PER_ACCOUNT_IP
 *   (10 in any 15 minutes). Someone guessing at an account from their address never locks its owner out of theirs,
 *   and two colleagues signing in from one office address never block each other. The address is the trusted one
 *   (client-address.ts), so rotating a forged X-Forwarded-For gives no fresh attempts;
 * - all attempts together (RATE_LIMIT_SIGN_IN_TOTAL, in the rate-limit store: rate-limits.ts), against password
 *   spraying across accounts and addresses, with a small per-network reserve once it is spent.
 */
export { SIGN_IN_ACCOUNT_LIMIT } from "./sign-in-limit";

const SLIDING_RATES = [env.RATE_LIMIT_SIGN_IN_PER_IP, env.RATE_LIMIT_SIGN_IN_PER_ACCOUNT_IP] as const;

function tooManyAttempts(retryAfterSeconds: number, headers?: Record<string, string>): APIError {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return new APIError(
    "TOO_MANY_REQUESTS",
    { message: errorMessage("TOO_MANY_ATTEMPTS", { minutes }), code: "TOO_MANY_ATTEMPTS" },
    headers ?? { "Retry-After": String(retryAfterSeconds) },
  );
}

/** Counts one sign-in attempt for `rawEmail` from this request's client; throws a 429 APIError when over a limit. */
export async function enforceSignInLimits(
  deps: Pick<ChatDeps, "db">,
  headers: Headers,
  rawEmail: string,
): Promise<void> {
  const account = rawEmail.trim().toLowerCase().slice(0, 320);
  const ip = clientIp(headers);
  const wait = await admitSlidingAttempt(deps, `${addressBucket(ip)}|${account}`, SLIDING_RATES);
  if (wait !== null) throw tooManyAttempts(wait);
  try {
    await enforceRateLimit("signIn", { ip, account });
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    throw tooManyAttempts(error.retryAfterSeconds, error.headers());
  }
}
