import { z } from "zod";
import { ADMIN_ROLES, ADMIN_USER_NAME_MAX_CHARS } from "~/shared/roles";
import { MAX_AGENT_CAPACITY } from "~/shared/widget-settings";
import { adminUserInputSchema } from "../auth/admin-users.schema";

const roleSchema = z.enum(ADMIN_ROLES, { error: "role must be admin or agent" }).meta({
  description: "admin: everything; agent: the inbox, sessions, visitors and knowledge (read), reports.",
});

export const teamUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    disabled: z.boolean(),
    invite_pending: z.boolean().meta({ description: "Invited, and has not set a password yet." }),
    capacity: z.int().nullable().meta({
      description:
        "Open conversations this person takes under auto-assignment; null: the team's agent_capacity (settings).",
    }),
    created_at: z.iso.datetime(),
  })
  .meta({ id: "TeamUser" });
export type TeamUserDto = z.infer<typeof teamUserSchema>;

export const createUserInputSchema = z.strictObject({
  email: adminUserInputSchema.shape.email,
  name: z
    .string({ error: "name is required: the name visitors see when this person answers" })
    .trim()
    .min(1, "name is required: the name visitors see when this person answers")
    .max(ADMIN_USER_NAME_MAX_CHARS, `name must be at most ${ADMIN_USER_NAME_MAX_CHARS} characters`),
  role: roleSchema,
});
export type CreateUserInput = z.infer<typeof createUserInputSchema>;

export const createdUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    invite_url: z.url().meta({
      description:
        "A single-use link (valid 7 days) where the new user sets their password. Shown only now: send it to them.",
    }),
  })
  .meta({ id: "CreatedTeamUser" });
export type CreatedUserDto = z.infer<typeof createdUserSchema>;

/** A user's id as listed (case matters: ids of users made by `npm run admin:create` are Better Auth's). */
const userIdSchema = z
  .string({ error: "id is required. Pass the id in the path." })
  .trim()
  .min(1, "id is required. Pass the id in the path.")
  .max(100, "id is not a valid id")
  .meta({ description: "The user's id, from GET /api/admin/users/." });

const capacitySchema = z
  .number({ error: "capacity must be a whole number, or null for the team's agent_capacity" })
  .int("capacity must be a whole number")
  .min(1, "capacity must be at least 1")
  .max(MAX_AGENT_CAPACITY, `capacity must be at most ${MAX_AGENT_CAPACITY}`);

export const updateUserInputSchema = z.strictObject({
  id: userIdSchema,
  role: roleSchema.optional(),
  disabled: z.boolean({ error: "disabled must be true or false" }).optional().meta({
    description:
      "true ends the user's sessions at once and refuses their sign-ins; false lets them in again.",
  }),
  capacity: capacitySchema
    .nullable()
    .optional()
    .meta({
      description:
        "Open conversations this person takes under auto-assignment (1–" +
        MAX_AGENT_CAPACITY +
        "); null: the team's agent_capacity (settings). A person who works part-time takes fewer.",
    }),
});
export type UpdateUserInput = z.infer<typeof updateUserInputSchema>;

export const userListSchema = z.object({ items: z.array(teamUserSchema) });

/** The colleagues a conversation can be passed to (the inbox's Assign menu: agents see it too). */
export const colleagueListSchema = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string() })),
});

/** The invitation page's form: the token of the link and the new password. */
export const acceptInviteInputSchema = z.strictObject({
  token: z.string().min(1).max(200),
  password: adminUserInputSchema.shape.password,
});
export type AcceptInviteInput = z.infer<typeof acceptInviteInputSchema>;
