import { APIError } from "better-auth/api";
import { errorMessage } from "../../errors/app-error";
import { clientIp } from "../../protection/client-address";
import { enforceRateLimit, RateLimitedError } from "../../protection/rate-limits";

/**
 * Brute-force protection beside Better Auth's per-address limit (auth.ts), counted in the rate-limit store
 * (memory, or Redis shared by instances; rate-limits.ts):
 * - per account *and* client address (RATE_LIMIT_SIGN_IN_PER_ACCOUNT_IP): someone guessing at an account from
 *   their address never locks its owner out of theirs. The address is the trusted one (client-address.ts), so
 *   rotating a forged X-Forwarded-For gives no fresh attempts;
 * - all attempts together (RATE_LIMIT_SIGN_IN_TOTAL), against password spraying across accounts and addresses,
 *   with a small per-network reserve once it is spent.
 */
export { SIGN_IN_ACCOUNT_LIMIT } from "./sign-in-limit";

/** Counts one sign-in attempt for `rawEmail` from this request's client; throws a 429 APIError when over a limit. */
export async function enforceSignInLimits(headers: Headers, rawEmail: string): Promise<void> {
  const account = rawEmail.trim().toLowerCase().slice(0, 320);
  try {
    await enforceRateLimit("signIn", { ip: clientIp(headers), account });
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    const minutes = Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
    throw new APIError(
      "TOO_MANY_REQUESTS",
      {
        message: errorMessage("TOO_MANY_ATTEMPTS", { minutes }),
        code: "TOO_MANY_ATTEMPTS",
      },
      error.headers(),
    );
  }
}
