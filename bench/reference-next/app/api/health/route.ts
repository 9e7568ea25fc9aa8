/** A route handler answering JSON, read and written, as the app's API routes do. */
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" });
}

export async function POST(request: Request) {
  const body: unknown = await request.json().catch(() => ({}));
  return Response.json({ data: body }, { status: 201 });
}
