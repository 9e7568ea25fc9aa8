import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { AdminRole } from "~/shared/roles";
import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { commitChange, commitInTransaction } from "../../chat/events/commit-change";
import { AppError } from "../../errors/app-error";
import { revokePrincipal } from "../auth/revocation";
import type {
  AcceptInviteInput,
  CreatedUserDto,
  CreateUserInput,
  TeamUserDto,
  UpdateUserInput,
} from "./users.schema";

/** How long an invitation link works. */
export const INVITE_VALID_DAYS = 7;
/** The invitation page; the link is `<site>/admin/invite/<token>`. */
export const INVITE_PATH = "/admin/invite";

/** Tokens are 256 random bits: a fast hash is enough to store them, and finds one by an indexed lookup. */
function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

type Tx = Prisma.TransactionClient;

function roleOf(value: string): AdminRole {
  return value === "agent" ? "agent" : "admin";
}

/**
 * Refuses a change that would leave no active admin (nobody could manage the team any more): `userId` stops
 * being one.
 */
async function ensureAnotherAdmin(tx: Tx, userId: string): Promise<void> {
  const others = await tx.adminUser.count({
    where: { role: "admin", disabledAt: null, id: { not: userId } },
  });
  if (others === 0) throw new AppError("LAST_ADMIN");
}

/**
 * Invites a team member: the user (no password yet) and a single-use link, valid INVITE_VALID_DAYS, where they set
 * one; audited (user.invited: the role, never the link). `siteOrigin` is this site's address for the link.
 */
export async function createUser(
  deps: ChatDeps,
  input: CreateUserInput,
  siteOrigin: string,
  by: AuditBy,
): Promise<CreatedUserDto> {
  const existing = await deps.db.adminUser.findUnique({
    where: { email: input.email },
    select: { id: true },
  });
  if (existing) throw new AppError("USER_EMAIL_TAKEN");
  const id = randomUUID();
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + INVITE_VALID_DAYS * 24 * 60 * 60 * 1000);
  try {
    await commitChange(deps, {
      writes: [
        deps.db.adminUser.create({
          data: { id, email: input.email, name: input.name, role: input.role, emailVerified: true },
        }),
        deps.db.adminInvite.create({
          data: { user_id: id, token_hash: hashToken(token), expires_at: expiresAt },
        }),
      ],
      audit: {
        ...by,
        action: "user.invited",
        object: { type: "admin_user", id },
        detail: { role: input.role },
      },
    });
  } catch (error) {
    // Invited by someone else in the meantime: the same answer as above.
    if ((error as { code?: unknown }).code === "P2002") throw new AppError("USER_EMAIL_TAKEN");
    throw error;
  }
  return {
    id,
    email: input.email,
    name: input.name,
    role: input.role,
    invite_url: `${siteOrigin.replace(/\/+$/, "")}${INVITE_PATH}/${token}`,
  };
}

/** The team: every user, admins and agents, oldest first. */
export async function listUsers(deps: ChatDeps): Promise<{ items: TeamUserDto[] }> {
  const rows = await deps.db.adminUser.findMany({
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: { accounts: { where: { providerId: "credential" }, select: { id: true } } },
  });
  return {
    items: rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      role: roleOf(row.role),
      disabled: row.disabledAt !== null,
      invite_pending: row.accounts.length === 0,
      capacity: row.capacity,
      created_at: row.createdAt.toISOString(),
    })),
  };
}

/** Who can take a conversation: every active user who has signed up (not disabled, password set). */
export async function listColleagues(deps: ChatDeps): Promise<{ items: { id: string; name: string }[] }> {
  const rows = await deps.db.adminUser.findMany({
    where: { disabledAt: null, accounts: { some: { providerId: "credential" } } },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: { id: true, name: true },
  });
  return { items: rows };
}

async function userDto(deps: ChatDeps, id: string): Promise<TeamUserDto> {
  const user = (await listUsers(deps)).items.find((item) => item.id === id);
  if (!user) throw new AppError("USER_NOT_FOUND");
  return user;
}

/**
 * Changes a user's role, their auto-assignment capacity, and/or disables or enables them (PATCH
 * /api/admin/users/{id}/), each change audited; never leaves the team without an active admin (LAST_ADMIN).
 */
export async function updateUser(deps: ChatDeps, input: UpdateUserInput, by: AuditBy): Promise<TeamUserDto> {
  if (input.role !== undefined) await setUserRole(deps, input.id, input.role, by);
  if (input.capacity !== undefined) await setUserCapacity(deps, input.id, input.capacity, by);
  if (input.disabled === true) await disableUser(deps, input.id, by);
  if (input.disabled === false) await enableUser(deps, input.id, by);
  return userDto(deps, input.id);
}

async function setUserRole(deps: ChatDeps, userId: string, role: AdminRole, by: AuditBy): Promise<void> {
  await commitInTransaction(deps, async (tx) => {
    const user = await tx.adminUser.findUnique({ where: { id: userId } });
    if (!user) throw new AppError("USER_NOT_FOUND");
    if (user.role === role) return { result: undefined };
    if (role !== "admin" && !user.disabledAt) await ensureAnotherAdmin(tx, userId);
    await tx.adminUser.update({ where: { id: userId }, data: { role } });
    return {
      result: undefined,
      audit: {
        ...by,
        action: "user.role_changed",
        object: { type: "admin_user", id: userId },
        detail: { role },
      },
    };
  });
}

/**
 * Sets how many open conversations auto-assignment gives this person (null: the team's agent_capacity); audited
 * (user.capacity_changed). A lower capacity never takes conversations away: it only holds new ones back.
 */
async function setUserCapacity(
  deps: ChatDeps,
  userId: string,
  capacity: number | null,
  by: AuditBy,
): Promise<void> {
  await commitInTransaction(deps, async (tx) => {
    const user = await tx.adminUser.findUnique({ where: { id: userId } });
    if (!user) throw new AppError("USER_NOT_FOUND");
    if (user.capacity === capacity) return { result: undefined };
    await tx.adminUser.update({ where: { id: userId }, data: { capacity } });
    return {
      result: undefined,
      audit: {
        ...by,
        action: "user.capacity_changed",
        object: { type: "admin_user", id: userId },
        detail: { capacity },
      },
    };
  });
}

/**
 * THE way a user's access ends: marked disabled (sign-in refused), every session of theirs deleted in the same
 * transaction (their cookies stop working on the next call, on every instance), audited (user.disabled); then,
 * after the commit, their open event streams are ended (revokePrincipal: on every instance). Disabling a disabled user
 * changes nothing.
 */
export async function disableUser(deps: ChatDeps, userId: string, by: AuditBy): Promise<void> {
  const ended = await commitInTransaction(deps, async (tx) => {
    const user = await tx.adminUser.findUnique({ where: { id: userId } });
    if (!user) throw new AppError("USER_NOT_FOUND");
    if (user.disabledAt) return { result: false };
    if (user.role === "admin") await ensureAnotherAdmin(tx, userId);
    await tx.adminUser.update({ where: { id: userId }, data: { disabledAt: new Date() } });
    const sessions = await tx.adminSession.deleteMany({ where: { userId } });
    return {
      result: true,
      audit: {
        ...by,
        action: "user.disabled",
        object: { type: "admin_user", id: userId },
        detail: { sessions_ended: sessions.count },
      },
    };
  });
  // The one call site for ending the user's open streams (the inbox's events) on every instance.
  if (ended) await revokePrincipal(deps, { kind: "user", id: userId });
}

async function enableUser(deps: ChatDeps, userId: string, by: AuditBy): Promise<void> {
  await commitInTransaction(deps, async (tx) => {
    const user = await tx.adminUser.findUnique({ where: { id: userId } });
    if (!user) throw new AppError("USER_NOT_FOUND");
    if (!user.disabledAt) return { result: undefined };
    await tx.adminUser.update({ where: { id: userId }, data: { disabledAt: null } });
    return {
      result: undefined,
      audit: { ...by, action: "user.enabled", object: { type: "admin_user", id: userId } },
    };
  });
}

/** The invitation a token opens, if it still works (unused, unexpired, its user not disabled). */
export async function findInvite(
  deps: Pick<ChatDeps, "db">,
  token: string,
): Promise<{ id: string; email: string; name: string } | null> {
  const invite = await deps.db.adminInvite.findUnique({
    where: { token_hash: hashToken(token) },
    include: { user: { select: { email: true, name: true, disabledAt: true } } },
  });
  if (!invite || invite.used_at || invite.expires_at <= new Date() || invite.user.disabledAt) return null;
  return { id: invite.id, email: invite.user.email, name: invite.user.name };
}

/**
 * Sets the invited user's password (Better Auth's hashing) and uses up the link, in one transaction; audited
 * (user.invite_accepted, by the user). A used, expired or unknown link → INVITE_INVALID.
 */
export async function acceptInvite(
  deps: ChatDeps,
  input: AcceptInviteInput,
  clientAddress: string | undefined,
): Promise<{ email: string }> {
  // Better Auth on first use (src/app/api/auth/[...all]/route.ts says why).
  const { adminAuthFor } = await import("../auth/auth");
  const passwordHash = await (await adminAuthFor(deps).$context).password.hash(input.password);
  return commitInTransaction(deps, async (tx) => {
    const invite = await tx.adminInvite.findUnique({
      where: { token_hash: hashToken(input.token) },
      include: { user: { select: { id: true, email: true, disabledAt: true } } },
    });
    const now = new Date();
    if (!invite || invite.expires_at <= now || invite.user.disabledAt) throw new AppError("INVITE_INVALID");
    // Single use, even when two tabs send the form at once: only one update finds it unused.
    const used = await tx.adminInvite.updateMany({
      where: { id: invite.id, used_at: null },
      data: { used_at: now },
    });
    if (used.count === 0) throw new AppError("INVITE_INVALID");
    const userId = invite.user.id;
    const credential = await tx.adminAccount.findFirst({ where: { userId, providerId: "credential" } });
    if (credential)
      await tx.adminAccount.update({ where: { id: credential.id }, data: { password: passwordHash } });
    else
      await tx.adminAccount.create({
        data: {
          id: randomUUID(),
          userId,
          providerId: "credential",
          accountId: userId,
          password: passwordHash,
        },
      });
    return {
      result: { email: invite.user.email },
      audit: {
        actor: { kind: "admin_user", id: userId, name: invite.user.email },
        ...(clientAddress !== undefined && { clientAddress }),
        action: "user.invite_accepted",
        object: { type: "admin_user", id: userId },
      },
    };
  });
}
