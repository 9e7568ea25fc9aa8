import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * Swagger UI for the REST bridge, served from the swagger-ui-dist package (no CDN): GET /api/docs/ is the
 * page, /api/docs/<asset> its files. "Try it out" calls this same server (the document's server is "/").
 */
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
});`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Visitor Chat REST API</title>
    <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" />
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`;

const assetDirectory = path.join(process.cwd(), "node_modules", "swagger-ui-dist");

export async function GET(
  _request: Request,
  context: { params: Promise<{ asset?: string[] }> },
): Promise<Response> {
  const { asset = [] } = await context.params;
  if (asset.length === 0) {
    return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
  }
  const name = asset.join("/");
  if (name === "init.js") {
    return new Response(INIT_SCRIPT, { headers: { "content-type": "text/javascript; charset=utf-8" } });
  }
  const contentType = ASSETS[name];
  if (!contentType) return new Response("Not found", { status: 404 });
  const file = await readFile(path.join(assetDirectory, name));
  return new Response(new Uint8Array(file), {
    headers: { "content-type": contentType, "cache-control": "public, max-age=86400" },
  });
}
