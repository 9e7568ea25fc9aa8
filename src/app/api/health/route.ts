export const dynamic = "force-dynamic";

/** Liveness: the process serves requests. Does not touch the database (see /api/ready). */
export function GET(): Response {
  return Response.json({ status: "ok", uptime_seconds: Math.round(process.uptime()) });
}
