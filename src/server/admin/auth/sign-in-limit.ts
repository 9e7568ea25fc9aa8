import { env } from "~/env";

/**
 * The per-account-and-address sign-in limit (sign-in-throttle.ts enforces it), in a module of its own so the REST
 * bridge can name it in its errors without loading Better Auth.
 */
export const SIGN_IN_ACCOUNT_LIMIT = {
  max: env.RATE_LIMIT_SIGN_IN_PER_ACCOUNT_IP.points,
  windowMinutes: Math.ceil(env.RATE_LIMIT_SIGN_IN_PER_ACCOUNT_IP.seconds / 60),
} as const;
