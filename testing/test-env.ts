/**
 * The secrets tests and benches run with: vitest.config.mts puts them in the test environment, and
 * next-server.ts gives the admin key to the servers it starts. Never used outside tests.
 */
export const TEST_ADMIN_API_KEY = "test-admin-key-0123456789abcdef";
export const TEST_BETTER_AUTH_SECRET = "test-better-auth-secret-0123456789abcdef";
