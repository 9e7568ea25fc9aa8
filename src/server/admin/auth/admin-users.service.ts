import type { ChatDeps } from "../../chat/deps";
import type { AdminUserInput } from "./admin-users.schema";
import { adminAuthFor } from "./auth";

/**
 * Creates an admin user with an email + password credential, or resets the password of an existing one (and signs
 * it out everywhere, and lifts a sign-in lockout). The only way admins come to exist: sign-up is disabled. Hashing is
 * Better Auth's own.
 */
export async function createOrResetAdminUser(
  deps: Pick<ChatDeps, "db" | "dialect">,
  input: AdminUserInput,
): Promise<{ userId: string; created: boolean }> {
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
  return { userId: user.id, created: true };
}
