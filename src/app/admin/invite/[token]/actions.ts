"use server";

import { headers } from "next/headers";
import { acceptInviteInputSchema } from "~/server/admin/users/users.schema";
import { acceptInvite } from "~/server/admin/users/users.service";
import { AppError, errorMessage, validationMessage } from "~/server/errors/app-error";
import { clientIp } from "~/server/protection/client-address";
import { getChatDeps } from "~/server/runtime/runtime";

/** The invitation form's action: sets the password (acceptInvite), or says why not. */
export async function acceptInviteAction(
  token: string,
  password: string,
): Promise<{ ok: true; email: string } | { ok: false; error: string }> {
  const parsed = acceptInviteInputSchema.safeParse({ token, password });
  if (!parsed.success) return { ok: false, error: validationMessage(parsed.error) };
  try {
    const { email } = await acceptInvite(await getChatDeps(), parsed.data, clientIp(await headers()));
    return { ok: true, email };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.message };
    return { ok: false, error: errorMessage("INTERNAL_ERROR") };
  }
}
