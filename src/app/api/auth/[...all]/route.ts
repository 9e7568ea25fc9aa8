import { handleAuthRequest } from "~/server/admin/auth/auth";

// Better Auth's endpoints for the admin pages: sign-in/email, sign-out, get-session (sign-up is disabled).
async function handle(request: Request): Promise<Response> {
  return handleAuthRequest(request);
}

export const GET = handle;
export const POST = handle;
