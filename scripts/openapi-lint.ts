/**
 * `npm run lint:openapi`: writes the OpenAPI document the server serves (built by src/server/rest/openapi.ts,
 * the same function /api/openapi.json answers with) to a temporary file and lints it with Redocly CLI under
 * redocly.yaml. Fails on any error.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getOpenApiDocument } from "../src/server/rest/openapi";

const dir = mkdtempSync(path.join(tmpdir(), "visitor-chat-openapi-"));
const file = path.join(dir, "openapi.json");
try {
  writeFileSync(file, `${JSON.stringify(getOpenApiDocument(), null, 2)}\n`);
  const result = spawnSync(
    path.join("node_modules", ".bin", "redocly"),
    ["lint", "--config", "redocly.yaml", "--format", "stylish", file],
    {
      stdio: "inherit",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
