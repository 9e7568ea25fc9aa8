import type { Db } from "../../db/client";

/**
 * Brute-force protection per account, beside Better Auth's per-address limit: at most `max` sign-in attempts for
 * one email in a fixed window, from anywhere. The per-address limit reads X-Forwarded-For, which a client can
 * forge unless a proxy overwrites it; this one cannot be dodged that way. (The price: someone guessing at an
 * account makes its owner wait out the window too.)
 */
export const SIGN_IN_ACCOUNT_LIMIT = { windowMinutes: 15, max: 10 } as const;

/** Counts one attempt; false when the account has used up its attempts for the current window. */
export async function consumeSignInAttempt(db: Db, rawEmail: string, now = new Date()): Promise<boolean> {
  const email = rawEmail.trim().toLowerCase().slice(0, 320);
  const windowStartAfter = new Date(now.getTime() - SIGN_IN_ACCOUNT_LIMIT.windowMinutes * 60_000);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    // Each step is a single conditional write, so concurrent attempts cannot all slip under the limit.
    const counted = await db.adminSignInThrottle.updateMany({
      where: { email, window_start: { gt: windowStartAfter }, attempts: { lt: SIGN_IN_ACCOUNT_LIMIT.max } },
      data: { attempts: { increment: 1 } },
    });
    if (counted.count === 1) return true;
    const restarted = await db.adminSignInThrottle.updateMany({
      where: { email, window_start: { lte: windowStartAfter } },
      data: { window_start: now, attempts: 1 },
    });
    if (restarted.count === 1) return true;
    const existing = await db.adminSignInThrottle.findUnique({ where: { email } });
    if (existing) return false; // inside the window with every attempt used
    try {
      await db.adminSignInThrottle.create({ data: { email, window_start: now, attempts: 1 } });
      return true;
    } catch {
      // Another attempt created the row meanwhile: count against it.
    }
  }
  return false;
}
