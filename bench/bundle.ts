/**
 * Bundle: gzip size (level 9) of `public/embed.js`, and the first-load JS of pages: the JavaScript files a fresh
 * browser downloads for the page, i.e. every `<script src="/_next/…">` in the server-rendered HTML of
 * `next start`, read from .next/static and gzipped one by one (as a server or CDN would send them).
 *
 *   npx tsx bench/bundle.ts [--pages /widget,/]
 *
 * Needs `npx next build` for the page figures. A file or page that is not in this tree prints "not present".
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { startServer } from "../testing/next-server";
import { createTestDatabase } from "../testing/test-database";
import { machineLine, parseFlags, printTable, request } from "./lib";

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const gzipped = (content: Buffer) => gzipSync(content, { level: 9 }).length;

async function main(): Promise<void> {
  const flags = parseFlags();
  const pages = (flags.pages ?? "/widget,/").split(",");
  console.log(`bundle sizes · ${machineLine()}`);
  const rows: (string | number)[][] = [];

  const embed = path.join("public", "embed.js");
  if (existsSync(embed)) {
    const content = readFileSync(embed);
    rows.push(["embed.js", 1, kb(content.length), kb(gzipped(content))]);
  } else {
    rows.push(["embed.js", "–", "not present", "not present"]);
  }

  if (!existsSync(path.join(".next", "BUILD_ID"))) {
    for (const page of pages) rows.push([`${page} first-load JS`, "–", "no build", "no build"]);
  } else {
    const testDatabase = await createTestDatabase("sqlite");
    const server = await startServer({ databaseUrl: testDatabase.url, env: { RATE_LIMITS: "off" } });
    try {
      for (const page of pages) {
        const answer = await request(server.baseUrl, "GET", page);
        if (answer.status !== 200) {
          rows.push([`${page} first-load JS`, "–", `not present (${answer.status})`, "not present"]);
          continue;
        }
        // `noModule` scripts (Next's legacy polyfills) are skipped by every browser that runs modules.
        const sources = [...answer.text.matchAll(/<script([^>]*)\ssrc="([^"]+)"([^>]*)>/g)]
          .filter((match) => !/\bnomodule\b/i.test(`${match[1]} ${match[3]}`))
          .map((match) => match[2] ?? "")
          .filter((src) => src.startsWith("/_next/static/"));
        let raw = 0;
        let zipped = 0;
        for (const src of new Set(sources)) {
          const file = path.join(
            ".next",
            "static",
            decodeURIComponent(src.replace(/^\/_next\/static\//, "").split("?")[0] ?? ""),
          );
          const content = existsSync(file)
            ? readFileSync(file)
            : Buffer.from((await request(server.baseUrl, "GET", src)).text);
          raw += content.length;
          zipped += gzipped(content);
        }
        rows.push([`${page} first-load JS`, new Set(sources).size, kb(raw), kb(zipped)]);
      }
    } finally {
      await server.stop();
      await testDatabase.drop();
    }
  }
  printTable("Bundle sizes (gzip -9)", ["asset", "files", "raw", "gzip"], rows);
}

void main();
