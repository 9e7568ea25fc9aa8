/**
 * The instance keeps answering while hostile content is imported (issue 23), over real HTTP (next start, both
 * databases): a page of 10,000 nested <div>, a robots.txt whose pattern backtracking matchers take exponential time
 * on (with a sitemap of long `/aaaa…` paths) and a PDF bomb are imported at the same time; `/api/health` answers
 * while they are being processed (asked once the server has fetched the nested page and, through the sitemap, a
 * page that the site holds open until health has answered), and each hostile input ends in a clear answer naming
 * it. No timing is asserted: the latency figures are in bench/RESULTS.md (bench/import-health.ts).
 */
import { zipSync } from "fflate";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import {
  deepHtml,
  htmlPage,
  pdfBomb,
  REDOS_RULE,
  redosSitemap,
  startSite,
  type Site,
} from "../testing/hostile-imports";
import { loadDocumentChecker } from "./helpers/openapi";
import { describeEachServer } from "./helpers/server";

interface Envelope {
  success: boolean;
  message: string;
  code?: string;
  data?: { items: unknown[]; report: { source: string; outcome: string; reason: string | null }[] };
}

let site: Site;
let release: () => void = () => {};
const held = new Promise<void>((resolve) => (release = resolve));
let bomb: Buffer;

beforeAll(async () => {
  bomb = await pdfBomb(300);
  site = await startSite({
    "/robots.txt": (_request, response) =>
      response
        .writeHead(200, { "content-type": "text/plain" })
        .end(`User-agent: *\nDisallow: ${REDOS_RULE}\n`),
    "/deep.html": (_request, response) =>
      response.writeHead(200, { "content-type": "text/html" }).end(deepHtml(10_000)),
    "/sitemap.xml": (_request, response) =>
      response
        .writeHead(200, { "content-type": "application/xml" })
        .end(redosSitemap(site.origin, "/help/held", 300)),
    "/help/held": (request, response) =>
      void held.then(() => htmlPage("Held", "A page held open.")(request, response)),
  });
});
afterAll(async () => {
  release();
  await site?.close();
});

describeEachServer(
  "/api/health while hostile content is imported",
  (target) => {
    const admin = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` };
    const importUrl = (url: string) =>
      fetch(`${target().baseUrl}/api/admin/knowledge/import/`, {
        method: "POST",
        headers: { ...admin, "content-type": "application/json" },
        body: JSON.stringify({ url }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as Envelope }));

    it("answers /api/health during a 10,000-deep page, a robots.txt ReDoS pattern and a PDF bomb", async () => {
      const settled = { deep: false, redos: false };
      const deep = importUrl(`${site.origin}/deep.html`).finally(() => (settled.deep = true));
      const redos = importUrl(`${site.origin}/sitemap.xml`).finally(() => (settled.redos = true));
      const form = new FormData();
      form.set("file", new Blob([new Uint8Array(bomb)]), "bomb.pdf");
      const upload = fetch(`${target().baseUrl}/api/admin/knowledge/upload/`, {
        method: "POST",
        headers: admin,
        body: form,
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as Envelope }));

      // The server has the nested page, and got through the sitemap's robots checks to the first page.
      await site.requestedPath("/deep.html");
      await site.requestedPath("/help/held");
      const health = await fetch(`${target().baseUrl}/api/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe("ok");
      // Answered while both imports were still in progress.
      expect(settled).toEqual({ deep: false, redos: false });
      release();

      const [deepResult, redosResult, uploadResult] = await Promise.all([deep, redos, upload]);
      expect(deepResult.status, JSON.stringify(deepResult.body)).toBe(400);
      expect(deepResult.body, JSON.stringify(deepResult.body)).toMatchObject({
        code: "KNOWLEDGE_IMPORT_REFUSED",
        message: expect.stringMatching(
          /deep\.html cannot be imported: (reading it took longer|reading it needed more|it is nested too deeply)/,
        ),
      });
      expect(redosResult.status, JSON.stringify(redosResult.body)).toBe(200);
      expect(
        redosResult.body.data!.report.find((entry) => entry.source.endsWith("/help/held")),
      ).toMatchObject({
        outcome: "kept",
      });
      expect(uploadResult.status, JSON.stringify(uploadResult.body)).toBe(400);
      expect(uploadResult.body, JSON.stringify(uploadResult.body)).toMatchObject({
        code: "KNOWLEDGE_IMPORT_REFUSED",
        // Refused by its inflated size; on a loaded machine the three parses in parallel may reach the deadline first.
        message: expect.stringMatching(
          /^bomb\.pdf cannot be imported: (.*inflates to more than|reading it took longer)/,
        ),
      });
      expect((await fetch(`${target().baseUrl}/api/health`)).status).toBe(200);
    }, 120_000);

    it("uploads several files and a .zip in one request, with a per-file report, as the OpenAPI document says", async () => {
      const checker = await loadDocumentChecker(target().baseUrl);
      const encode = (text: string) => new TextEncoder().encode(text);
      const form = new FormData();
      form.append("file", new Blob([encode("# Shipping\n\nWe ship worldwide.")]), "shipping.md");
      form.append("file", new Blob([encode("MZ")]), "tool.exe");
      form.append(
        "files",
        new Blob([
          zipSync({ "faq/returns.md": encode("# Returns\n\nWithin 30 days."), "faq/bad.exe": encode("MZ") }),
        ]),
        "help.zip",
      );
      const response = await fetch(`${target().baseUrl}/api/admin/knowledge/upload/`, {
        method: "POST",
        headers: admin,
        body: form,
      });
      const body = (await response.json()) as Envelope;
      checker.expectDeclared("POST", "/api/admin/knowledge/upload/", response.status, body);
      expect(response.status).toBe(200);
      expect(Object.fromEntries(body.data!.report.map((entry) => [entry.source, entry.outcome]))).toEqual({
        "upload:shipping.md": "kept",
        "upload:tool.exe": "refused",
        "upload:help.zip/faq/returns.md": "kept",
        "upload:help.zip/faq/bad.exe": "refused",
      });
      expect(body.data!.items).toHaveLength(2);
    });
  },
  {
    env: () => ({
      KNOWLEDGE_IMPORT_ALLOW_PRIVATE: "on",
      KNOWLEDGE_IMPORT_PARSE_TIMEOUT_MS: "15000",
      KNOWLEDGE_IMPORT_MAX_PAGES: "5",
      RATE_LIMITS: "off",
    }),
  },
);
