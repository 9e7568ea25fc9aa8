// Better Auth's endpoints for the admin pages: sign-in/email, sign-out, get-session (sign-up is disabled).
// Better Auth is imported by the first of them: Next.js loads every route at start, and a server that only
// visitors use never needs it (≈ 10 MB at rest: tests/loaded-on-first-use.test.ts, bench/RESULTS.md).
async function handle(request: Request): Promise<Response> {
  const { handleAuthRequest } = await import("~/server/admin/auth/auth");
  return handleAuthRequest(request);
}

export const GET = handle;
export const POST = handle;
