/**
 * `/api/health` latency while hostile content is imported (issue 23): idle, then during each of a 10,000-deep
 * nested-<div> page (URL import), a robots.txt ReDoS pattern with a sitemap of long `/aaaa…` paths (URL import),
 * a PDF bomb (a 0.3 MB upload inflating to 300 MB), and all three at once. Health is asked back to back (one at a
 * time) for as long as the imports run; each import's answer and duration is printed too.
 *
 *   npx tsx bench/import-health.ts [--dialect sqlite|postgresql] [--depth 10000] [--bomb-mb 300] [--entries 300]
 *
 * Build first (`npx next build`).
 */
import type { Dialect } from "~/server/db/database-url";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { deepHtml, htmlPage, pdfBomb, REDOS_RULE, redosSitemap, startSite } from "../testing/hostile-imports";
import { startServer } from "../testing/next-server";
import { createTestDatabase } from "../testing/test-database";
import { fmt, intFlag, machineLine, parseFlags, percentile, printTable, request } from "./lib";

interface Outcome {
  status: number;
  code: string;
  ms: number;
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const dialect = (flags.dialect ?? "sqlite") as Dialect;
  const depth = intFlag(flags, "depth", 10_000);
  const bombMb = intFlag(flags, "bomb-mb", 300);
  const entries = intFlag(flags, "entries", 300);
  console.log(`/api/health during hostile imports on ${dialect} · ${machineLine()}`);

  const bomb = await pdfBomb(bombMb);
  const site = await startSite({
    "/robots.txt": (_request, response) =>
      response
        .writeHead(200, { "content-type": "text/plain" })
        .end(`User-agent: *\nDisallow: ${REDOS_RULE}\n`),
    "/deep.html": (_request, response) =>
      response.writeHead(200, { "content-type": "text/html" }).end(deepHtml(depth)),
    "/sitemap.xml": (_request, response) =>
      response
        .writeHead(200, { "content-type": "application/xml" })
        .end(redosSitemap(site.origin, "/help/page", entries)),
    "/help/page": htmlPage("Page", "A public page."),
  });
  const testDatabase = await createTestDatabase(dialect);
  const server = await startServer({
    databaseUrl: testDatabase.url,
    env: { RATE_LIMITS: "off", KNOWLEDGE_IMPORT_ALLOW_PRIVATE: "on" },
  });
  const admin = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` };

  const outcome = async (work: Promise<Response>, started: number): Promise<Outcome> => {
    const response = await work;
    const body = (await response.json()) as { code?: string };
    return { status: response.status, code: body.code ?? "ok", ms: performance.now() - started };
  };
  const deep = () => {
    const started = performance.now();
    return outcome(
      fetch(`${server.baseUrl}/api/admin/knowledge/import/`, {
        method: "POST",
        headers: { ...admin, "content-type": "application/json" },
        body: JSON.stringify({ url: `${site.origin}/deep.html` }),
      }),
      started,
    );
  };
  const redos = () => {
    const started = performance.now();
    return outcome(
      fetch(`${server.baseUrl}/api/admin/knowledge/import/`, {
        method: "POST",
        headers: { ...admin, "content-type": "application/json" },
        body: JSON.stringify({ url: `${site.origin}/sitemap.xml` }),
      }),
      started,
    );
  };
  const upload = () => {
    const started = performance.now();
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(bomb)]), "bomb.pdf");
    return outcome(
      fetch(`${server.baseUrl}/api/admin/knowledge/upload/`, { method: "POST", headers: admin, body: form }),
      started,
    );
  };

  /** Health asked back to back until `work` ends (at least 20 times). */
  const healthDuring = async (work: () => Promise<Outcome[]>) => {
    const samples: number[] = [];
    let done = false;
    const running = work().finally(() => (done = true));
    while (!done || samples.length < 20) {
      const result = await request(server.baseUrl, "GET", "/api/health");
      if (result.status === 200) samples.push(result.ms);
    }
    return { samples, outcomes: await running };
  };

  const rows: (string | number)[][] = [];
  try {
    for (let index = 0; index < 20; index += 1) await request(server.baseUrl, "GET", "/api/health");
    const scenarios: [string, () => Promise<Outcome[]>][] = [
      ["idle", async () => []],
      [`${depth}-deep nested <div> page (URL import)`, async () => [await deep()]],
      [`robots.txt ${REDOS_RULE}, sitemap of ${entries} long paths`, async () => [await redos()]],
      [
        `PDF bomb: ${(bomb.length / 1e6).toFixed(2)} MB inflating to ${bombMb} MB (upload)`,
        async () => [await upload()],
      ],
      ["all three at once", () => Promise.all([deep(), redos(), upload()])],
    ];
    for (const [name, work] of scenarios) {
      const { samples, outcomes } = await healthDuring(work);
      rows.push([
        name,
        samples.length,
        fmt(percentile(samples, 50)),
        fmt(percentile(samples, 99)),
        fmt(Math.max(...samples)),
        outcomes.map((entry) => `${entry.status} ${entry.code} in ${fmt(entry.ms / 1000, 1)} s`).join("; ") ||
          "—",
      ]);
    }
  } finally {
    await server.stop();
    await testDatabase.drop();
    await site.close();
  }
  printTable(
    "/api/health while importing (ms)",
    ["while", "health answers", "p50", "p99", "max", "import answered"],
    rows,
  );
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
