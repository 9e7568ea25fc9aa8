/**
 * Creates an admin user, or resets an admin's password (there is no public sign-up):
 *
 *   npm run admin:create -- --email support@example.com [--name "Support"] [--role admin|agent]
 *
 * The password is asked for twice on a terminal (not echoed), or read from standard input when piped:
 *   printf '%s' "$ADMIN_PASSWORD" | npm run admin:create -- --email support@example.com
 *
 * Uses DATABASE_URL like the server (default: the SQLite file under ./data) and applies pending migrations first.
 */
import { parseArgs } from "node:util";
import { loadEnvConfig } from "@next/env";

async function readHidden(prompt: string): Promise<string> {
  process.stdout.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let value = "";
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stdout.write("\n");
          return resolve(value);
        }
        if (char === "\u0003") {
          stdin.setRawMode(false);
          return reject(new Error("cancelled"));
        }
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on("data", onData);
  });
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, "");
}

async function main(): Promise<void> {
  loadEnvConfig(process.cwd());
  const { values } = parseArgs({
    options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } },
  });
  if (!values.email) throw new Error("--email is required: npm run admin:create -- --email you@example.com");

  let password: string;
  if (process.stdin.isTTY) {
    password = await readHidden("Password (12+ characters): ");
    if ((await readHidden("Repeat it: ")) !== password)
      throw new Error("the passwords differ; nothing changed");
  } else {
    password = await readStdin();
  }

  // Imported after the .env files are loaded: src/env.ts reads the environment once, on import.
  const { env } = await import("../src/env");
  const { migrate } = await import("./db");
  const { openDatabase } = await import("../src/server/db/client");
  const { adminUserInputSchema } = await import("../src/server/admin/auth/admin-users.schema");
  const { createOrResetAdminUser } = await import("../src/server/admin/auth/admin-users.service");

  const parsed = adminUserInputSchema.safeParse({
    email: values.email,
    name: values.name,
    role: values.role,
    password,
  });
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join("; "));
  migrate(env.DATABASE_URL, { quiet: true });
  const database = await openDatabase(env.DATABASE_URL);
  try {
    const result = await createOrResetAdminUser(database, parsed.data);
    console.log(
      result.created
        ? `${parsed.data.role === "agent" ? "Agent" : "Admin"} ${parsed.data.email} created. Sign in at /admin/sign-in.`
        : `Password of ${parsed.data.email} reset; its sessions were signed out.`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`admin:create: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
