import { env } from "~/env";
import { getChatRuntime } from "~/server/runtime/runtime";
import { checkReadiness } from "~/server/db/readiness";

export const dynamic = "force-dynamic";

/** Readiness: 200 when the database answers and all migrations are applied, else 503 with the reason. */
export async function GET(): Promise<Response> {
  try {
    const { database } = await getChatRuntime();
    const readiness = await checkReadiness(database, env.DATABASE_URL);
    return Response.json(readiness, {
      status: readiness.ready ? 200 : 503,
      headers: { "cache-control": "no-store" },
    });
  } catch {
    return Response.json(
      { ready: false, database: "unreachable", migrations: null },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
}
