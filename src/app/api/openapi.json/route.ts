import { getOpenApiDocument } from "~/server/rest/openapi";

export function GET(): Response {
  return Response.json(getOpenApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
