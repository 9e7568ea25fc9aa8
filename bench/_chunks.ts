import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { startServer } from "../testing/next-server";
import { createTestDatabase } from "../testing/test-database";
import { request } from "./lib";
async function main() {
  const testDatabase = await createTestDatabase("sqlite");
  const server = await startServer({ databaseUrl: testDatabase.url, env: { RATE_LIMITS: "off" } });
  try {
    const answer = await request(server.baseUrl, "GET", "/widget");
    const sources = [...answer.text.matchAll(/<script([^>]*)\ssrc="([^"]+)"([^>]*)>/g)].map((m) => m[2] ?? "");
    for (const src of new Set(sources)) {
      const file = path.join(".next", "static", decodeURIComponent(src.replace(/^\/_next\/static\//, "").split("?")[0] ?? ""));
      if (!existsSync(file)) { console.log("missing", src); continue; }
      const c = readFileSync(file);
      console.log((gzipSync(c, { level: 9 }).length / 1024).toFixed(1), (c.length / 1024).toFixed(1), file);
    }
    console.log("HTML length", answer.text.length);
  } finally { await server.stop(); await testDatabase.drop(); }
}
void main();
