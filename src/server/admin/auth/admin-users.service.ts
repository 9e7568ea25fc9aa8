import type { ChatDeps } from "../../chat/deps";
import type { AdminUserInput } from "./admin-users.schema";

/**
 * Creates a user (an admin unless `role` says agent) with an email + password credential, or resets the password
 * of an existing one (and signs it out everywhere, and lifts a sign-in lockout; `role`, if given, is set). The
 * command line's way users come to exist (`npm run admin:create`); admins invite others (users.service.ts); there
 * is no public sign-up. Hashing is Better Auth's own.
 */
export async function createOrResetAdminUser(
  deps: Pick<ChatDeps, "db" | "dialect">,
  input: AdminUserInput,
): Promise<{ userId: string; created: boolean }> {
  // Better Auth on first use (src/app/api/auth/[...all]/route.ts says why).
  const { adminAuthFor } = await import("./auth");
  const context = await adminAuthFor(deps).$context;
  const passwordHash = await context.password.hash(input.password);
  const existing = await context.internalAdapter.findUserByEmail(input.email, { includeAccounts: true });
  if (existing) {
    const hasCredential = existing.accounts.some((account) => account.providerId === "credential");
    if (hasCredential) await context.internalAdapter.updatePassword(existing.user.id, passwordHash);
    else
      await context.internalAdapter.linkAccount({
        userId: existing.user.id,
        providerId: "credential",
        accountId: existing.user.id,
        password: passwordHash,
      });
    await context.internalAdapter.deleteUserSessions(existing.user.id);
    if (input.role)
      await deps.db.adminUser.update({ where: { id: existing.user.id }, data: { role: input.role } });
    await deps.db.adminSignInThrottle.deleteMany({ where: { email: input.email } });
    return { userId: existing.user.id, created: false };
  }
  const user = await context.internalAdapter.createUser(
    {
      email: input.email,
      name: input.name ?? input.email.split("@")[0] ?? input.email,
      emailVerified: true,
    },
    { method: "admin" },
  );
  await context.internalAdapter.linkAccount({
    userId: user.id,
    providerId: "credential",
    accountId: user.id,
    password: passwordHash,
  });
  if (input.role && input.role !== "admin")
    await deps.db.adminUser.update({ where: { id: user.id }, data: { role: input.role } });
  return { userId: user.id, created: true };
}
