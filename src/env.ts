import { z } from "zod";

/**
 * Every environment variable the server reads, parsed once when this module is first imported
 * (instrumentation.ts imports it at start-up so a bad value stops the server before it serves anything).
 * Nothing else reads process.env directly.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /**
   * `file:./data/…` selects the embedded SQLite store; `postgres://` / `postgresql://` selects PostgreSQL.
   * The default makes the app run with no configuration at all.
   */
  DATABASE_URL: z
    .string()
    .trim()
    .min(1)
    .default("file:./data/visitor-chat.db")
    .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
      message: "DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)",
    }),
  /** Where the knowledge-base responder reads its markdown files from. */
  KNOWLEDGE_DIR: z.string().trim().min(1).default("content/knowledge"),
  /** Pause between streamed chunks of a knowledge-base reply, so it reads like typing. 0 in tests. */
  KNOWLEDGE_STREAM_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(25),
  /** Bearer key for the admin-only REST endpoints (bootstrap key; managed keys come later). */
  ADMIN_API_KEY: z.string().trim().min(16, "ADMIN_API_KEY must be at least 16 characters").optional(),
});

export type Env = z.infer<typeof envSchema>;

function parseEnv(source: NodeJS.ProcessEnv): Env {
  // Empty strings (e.g. `ADMIN_API_KEY=` in a .env file) mean "unset", not "invalid".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv(process.env);
