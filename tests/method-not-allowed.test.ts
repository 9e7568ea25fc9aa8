/**
 * Generated from the route files: for every route under src/app/api (the folder is walked; the REST bridge's
 * catch-all routes stand for every path the OpenAPI document has under them), every method it does not serve
 * answers 405 — the REST routes in the error envelope with `METHOD_NOT_ALLOWED` and the path's `Allow` — over
 * real HTTP against `next start`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { describeEachServer } from "./helpers/server";

const API_DIR = path.join(process.cwd(), "src", "app", "api");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
const ID = "00000000-0000-4000-8000-000000000000";

/** Every route file under src/app/api, as its folder's segments (e.g. ["chats", "sessions", "[id]", "events"]). */
function routeFolders(dir = API_DIR, segments: string[] = []): string[][] {
  const found: string[][] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory())
      found.push(...routeFolders(path.join(dir, entry.name), [...segments, entry.name]));
    else if (entry.name === "route.ts") found.push(segments);
  }
  return found;
}

/** The HTTP methods a route file exports (`export const GET`, `export { x as GET }`, `export const { GET, … }`). */
function exportedMethods(segments: string[]): Set<string> {
  const text = readFileSync(path.join(API_DIR, ...segments, "route.ts"), "utf8");
  const methods = new Set<string>();
  for (const method of [...METHODS, "OPTIONS"]) {
    const named = new RegExp(
      `export (async )?(const|function) ${method}\\b|as ${method}\\b|export const \\{[^}]*\\b${method}\\b`,
    );
    if (named.test(text)) methods.add(method);
  }
  return methods;
}

/** The document's path (`/api/admin/sessions/{id}/claim/`) as a pattern over request paths. */
const patternOf = (documentPath: string) =>
  new RegExp(`^${documentPath.replace(/\{\w+\}/g, "[^/]+").replace(/\/$/, "")}/?$`);

interface Case {
  route: string;
  url: string;
  allow?: string[];
  /** Methods the route serves (not asked). */
  served: Set<string>;
}

describeEachServer("405 with Allow for every route and method", (target) => {
  const cases: Case[] = [];
  beforeAll(async () => {
    const document = (await (await fetch(`${target().baseUrl}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documentPaths = Object.entries(document.paths).map(([documentPath, item]) => ({
      documentPath,
      pattern: patternOf(documentPath),
      params: documentPath.match(/\{\w+\}/g)?.length ?? 0,
      methods: Object.keys(item).map((method) => method.toUpperCase()),
    }));
    /**
     * The Allow of a request path as the document says: for a route file of its own, the methods of its path (the
     * most literal match: /admin/knowledge/upload, not /admin/knowledge/{id}); on the bridge, of every path that
     * matches (trpc-to-openapi tries each pattern: GET /admin/knowledge/import is /admin/knowledge/{id}).
     */
    const allowOf = (url: string, ownFile: boolean) => {
      const matches = documentPaths.filter((entry) => entry.pattern.test(url));
      if (matches.length === 0) return undefined;
      const fewest = Math.min(...matches.map((entry) => entry.params));
      const serving = ownFile ? matches.filter((m) => m.params === fewest) : matches;
      return [...new Set(serving.flatMap((m) => m.methods))].sort();
    };
    for (const segments of routeFolders()) {
      const route = `/api/${segments.join("/")}`;
      const catchAll = segments.findIndex((segment) => segment.startsWith("[["));
      const prefix = `/api/${segments.slice(0, catchAll).join("/")}/`;
      const bridged = documentPaths.filter((entry) => entry.documentPath.startsWith(prefix));
      if (catchAll >= 0 && bridged.length > 0) {
        // The bridge: every path of the document under its prefix.
        for (const { documentPath } of bridged) {
          const url = documentPath.replace(/\{\w+\}/g, ID);
          const allow = allowOf(url, false)!;
          // A path with its own route file is that file's case.
          if (routeFolders().some((other) => other !== segments && patternFor(other).test(url))) continue;
          cases.push({ route, url, allow, served: new Set(allow) });
        }
        continue;
      }
      // A catch-all that is no bridge (Swagger UI's assets): its own folder's path.
      const own = catchAll >= 0 ? segments.slice(0, catchAll) : segments;
      const url = `/api/${own.map((segment) => (segment.startsWith("[") ? ID : segment)).join("/")}/`;
      const allow = allowOf(url, true);
      cases.push({ route, url, allow, served: allow ? new Set(allow) : exportedMethods(segments) });
    }
  });

  /** A route folder's own request paths (dynamic segments are one segment; catch-alls are not own paths). */
  function patternFor(segments: string[]): RegExp {
    if (segments.some((segment) => segment.startsWith("[["))) return /^$/;
    const body = segments
      .map((segment) => (segment.startsWith("[...") ? ".+" : segment.startsWith("[") ? "[^/]+" : segment))
      .join("/");
    return new RegExp(`^/api/${body}/?$`);
  }

  it("walks every route file, and the bridge's paths", () => {
    expect(cases.length).toBeGreaterThan(40);
    for (const route of [
      "/api/admin/events",
      "/api/admin/knowledge/upload",
      "/api/chats/sessions/[id]/events",
    ])
      expect(cases.map((c) => c.route)).toContain(route);
  });

  it("answers 405 for every method a route does not serve, with the route's Allow", async () => {
    const failures: string[] = [];
    for (const { url, allow, served } of cases) {
      for (const method of METHODS) {
        if (served.has(method)) continue;
        // Next.js answers HEAD for a route with GET (and no HEAD of its own) as GET without a body.
        if (!allow && method === "HEAD" && served.has("GET")) continue;
        const response = await fetch(`${target().baseUrl}${url}`, {
          method,
          headers: {
            authorization: `Bearer ${TEST_ADMIN_API_KEY}`,
            ...(["POST", "PUT", "PATCH"].includes(method) && { "content-type": "application/json" }),
          },
          body: ["POST", "PUT", "PATCH"].includes(method) ? "{}" : undefined,
        });
        const text = await response.text();
        if (response.status !== 405) {
          failures.push(`${method} ${url}: ${response.status} ${text.slice(0, 120)}`);
          continue;
        }
        if (!allow) continue; // not a REST route: Next.js's own 405
        if (response.headers.get("allow") !== allow.join(", "))
          failures.push(
            `${method} ${url}: Allow ${response.headers.get("allow")}, expected ${allow.join(", ")}`,
          );
        if (method !== "HEAD" && (JSON.parse(text) as { code?: string }).code !== "METHOD_NOT_ALLOWED")
          failures.push(`${method} ${url}: ${text.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it("the two found bugs: GET /api/admin/knowledge/upload/ is Allow: POST; POST /api/admin/events/ is a 405", async () => {
    const upload = await fetch(`${target().baseUrl}/api/admin/knowledge/upload/`);
    expect(upload.status).toBe(405);
    expect(upload.headers.get("allow")).toBe("POST");
    const events = await fetch(`${target().baseUrl}/api/admin/events/`, { method: "POST" });
    expect(events.status).toBe(405);
    expect(events.headers.get("allow")).toBe("GET");
    expect(await events.json()).toMatchObject({ success: false, code: "METHOD_NOT_ALLOWED" });
  });
});
