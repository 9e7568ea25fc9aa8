import { z } from "zod";
import { ADMIN_ROLES } from "~/shared/roles";
import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from "~/shared/limits";

export const ADMIN_PASSWORD_MIN_CHARS = PASSWORD_MIN_CHARS;

export const adminUserInputSchema = z.strictObject({
  email: z.email("email must be an email address").trim().toLowerCase(),
  name: z.string().trim().min(1).max(100).optional(),
  password: z
    .string()
    .min(ADMIN_PASSWORD_MIN_CHARS, `password must be at least ${ADMIN_PASSWORD_MIN_CHARS} characters`)
    .max(PASSWORD_MAX_CHARS, `password must be at most ${PASSWORD_MAX_CHARS} characters`),
  /** admin (default for a new user) or agent; left out on an existing user, their role stays. */
  role: z.enum(ADMIN_ROLES, { error: "role must be admin or agent" }).optional(),
});
export type AdminUserInput = z.infer<typeof adminUserInputSchema>;
