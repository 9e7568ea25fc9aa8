/**
 * Hostile input to the knowledge import (issue 23), in process, on both databases: a page of 10,000 nested
 * elements and a PDF bomb are parsed in the worker (the event loop keeps turning, the admin gets a 4xx naming the
 * file and the reason); robots.txt matching is linear (the `/*a*a*…*b` pattern) and only asked about pages that
 * will be fetched; a .zip bomb and oversized entries are refused per file; control characters never reach the
 * database; the SSRF guard holds on every connection (IPv6 forms embedding 127.0.0.1, a socket kept alive by
 * another client, a redirect into a robots-disallowed path); one deadline bounds a whole import.
 */
import http from "node:http";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  importFromUrl,
  importUploadedFile,
  importUploadedFiles,
  parseRobots,
  robotsAllows,
} from "~/server/admin/knowledge/knowledge-import";
import { getKnowledgeArticle } from "~/server/admin/knowledge/knowledge.service";
import type { ChatDeps } from "~/server/chat/deps";
import type { AppError } from "~/server/errors/app-error";
import { checkWebhookUrl, isNonPublicAddress } from "~/server/webhooks/url-guard";
import {
  deepHtml,
  htmlPage as html,
  pdfBomb,
  REDOS_RULE,
  redosSitemap,
  startSite,
  type Site,
} from "../testing/hostile-imports";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";

/** Counts event-loop turns while `work` runs: a blocked loop counts none. */
async function loopTurnsDuring<T>(
  work: Promise<T>,
): Promise<{ turns: number; outcome: PromiseSettledResult<T> }> {
  let turns = 0;
  const timer = setInterval(() => (turns += 1), 5);
  const [outcome] = await Promise.allSettled([work]);
  clearInterval(timer);
  return { turns, outcome };
}

const LIMITS = { allowPrivate: true, maxBytes: 2_000_000, timeoutMs: 5_000, maxPages: 5 };

describe("robots.txt matching", () => {
  it("matches wildcards and end anchors as RFC 9309 says", () => {
    const rules = parseRobots(
      "User-agent: *\nDisallow: /private/\nAllow: /private/open/\nDisallow: /*.pdf$\nDisallow: /a*b*c\n",
    );
    expect(robotsAllows(rules, "/help")).toBe(true);
    expect(robotsAllows(rules, "/private/x")).toBe(false);
    expect(robotsAllows(rules, "/private/open/page")).toBe(true);
    expect(robotsAllows(rules, "/files/guide.pdf")).toBe(false);
    expect(robotsAllows(rules, "/files/guide.pdf?x=1")).toBe(true);
    expect(robotsAllows(rules, "/axxbyyc-and-more")).toBe(false);
    expect(robotsAllows(rules, "/axxcyyb")).toBe(true);
  });

  it("answers the backtracking pattern on long paths (linear time, no regular expression)", () => {
    const rules = parseRobots(`User-agent: *\nDisallow: ${REDOS_RULE}\n`);
    for (const length of [33, 40, 1000, 100_000])
      expect(robotsAllows(rules, `/${"a".repeat(length)}`)).toBe(true);
    expect(robotsAllows(rules, `/${"a".repeat(40)}b`)).toBe(false);
  });
});

describe("the SSRF rule", () => {
  it("refuses IPv6 forms that embed a loopback or private IPv4 address, at registration too", async () => {
    for (const host of [
      "[::127.0.0.1]",
      "[::ffff:0:127.0.0.1]",
      "[::ffff:127.0.0.1]",
      "[64:ff9b::10.0.0.1]",
      "[2002:7f00:1::]",
    ]) {
      const hostname = new URL(`http://${host}/`).hostname.slice(1, -1);
      expect(isNonPublicAddress(hostname), host).toBe(true);
      expect(await checkWebhookUrl(`http://${host}/hook`, { allowPrivate: false }), host).toMatchObject({
        ok: false,
        reason: "non_public",
      });
    }
    expect(isNonPublicAddress("2606:4700::1111")).toBe(false);
    expect(isNonPublicAddress("::ffff:8.8.8.8")).toBe(false);
  });
});

describeEachDatabase("knowledge import under hostile input", (database) => {
  let deps: ChatDeps;
  beforeAll(() => {
    deps = testDeps(database());
  });

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as AppError,
    );

  it("parses a page of 10,000 nested elements in the worker: the event loop keeps turning; the admin reads why", async () => {
    const { turns, outcome } = await loopTurnsDuring(
      importUploadedFile(
        deps,
        { name: "deep.html", bytes: Buffer.from(deepHtml(10_000)), published: true },
        { maxBytes: 2_000_000, parseTimeoutMs: 2_000 },
        TEST_BY,
      ),
    );
    expect(turns).toBeGreaterThan(0);
    // Either read within the deadline, or refused naming the file and the reason.
    if (outcome.status === "rejected")
      expect(outcome.reason).toMatchObject({
        id: "KNOWLEDGE_IMPORT_REFUSED",
        message: expect.stringMatching(
          /^deep\.html cannot be imported: (reading it took longer|reading it needed more|it is nested too deeply)/,
        ),
      });
    else expect(outcome.value.report[0]).toMatchObject({ outcome: "kept" });
  });

  it("refuses a PDF bomb by its inflated size, in the worker, naming the file", async () => {
    const bomb = await pdfBomb(300);
    expect(bomb.length).toBeLessThan(2_000_000);
    const { turns, outcome } = await loopTurnsDuring(
      importUploadedFile(
        deps,
        { name: "bomb.pdf", bytes: bomb, published: true },
        // A deadline far away: only the inflation cap may refuse it, however loaded the machine.
        { maxBytes: 2_000_000, parseTimeoutMs: 60_000 },
        TEST_BY,
      ),
    );
    expect(turns).toBeGreaterThan(0);
    expect(outcome.status).toBe("rejected");
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({
      id: "KNOWLEDGE_IMPORT_REFUSED",
      message: expect.stringMatching(/^bomb\.pdf cannot be imported: .*inflates to more than 64 MB/),
    });
  });

  it("imports a .zip per file: a zip bomb entry, a nested archive and an unsupported file refused, the rest kept", async () => {
    const zip = zipSync({
      "guide/returns.md": new TextEncoder().encode("# Returns\n\nSend it back within 30 days."),
      "guide/care.html": new TextEncoder().encode(
        "<html><body><article><h1>Kettle care</h1><p>Descale it monthly.</p></article></body></html>",
      ),
      "bomb.txt": [new Uint8Array(5 * 1024 * 1024), { level: 9 }],
      "inner.zip": zipSync({ "a.md": new TextEncoder().encode("# A\n\nText") }),
      "tool.exe": new TextEncoder().encode("MZ"),
    });
    expect(zip.byteLength).toBeLessThan(200_000);
    const result = await importUploadedFiles(
      deps,
      { files: [{ name: "help-center.zip", bytes: zip }], published: true },
      { maxBytes: 1_000_000, parseTimeoutMs: 60_000 },
      TEST_BY,
    );
    const outcomes = Object.fromEntries(result.report.map((entry) => [entry.source, entry]));
    expect(outcomes["upload:help-center.zip/guide/returns.md"]).toMatchObject({
      outcome: "kept",
      title: "Returns",
    });
    expect(outcomes["upload:help-center.zip/guide/care.html"]).toMatchObject({
      outcome: "kept",
      title: "Kettle care",
    });
    expect(outcomes["upload:help-center.zip/bomb.txt"]).toMatchObject({
      outcome: "refused",
      reason: expect.stringMatching(/exceeds the import limit/),
    });
    expect(outcomes["upload:help-center.zip/inner.zip"]).toMatchObject({ outcome: "refused" });
    expect(outcomes["upload:help-center.zip/tool.exe"]).toMatchObject({
      outcome: "refused",
      reason: expect.stringMatching(/upload a \.md, \.txt, \.html or \.pdf/),
    });
    expect(result.items).toHaveLength(2);
  });

  it("splits a long page into parts at its headings, says so, and loses nothing", async () => {
    const sections = Array.from(
      { length: 30 },
      (_, index) => `## Section ${index + 1}\n\n${`Sentence ${index + 1} about the product. `.repeat(150)}`,
    );
    const markdown = `# Big manual\n\n${sections.join("\n\n")}`;
    const result = await importUploadedFiles(
      deps,
      {
        files: [
          { name: "big.md", bytes: Buffer.from(markdown) },
          { name: "small.md", bytes: Buffer.from("# Small\n\nShort text.") },
        ],
        published: true,
      },
      { maxBytes: 2_000_000 },
      TEST_BY,
    );
    const big = result.report.find((entry) => entry.source === "upload:big.md")!;
    expect(big).toMatchObject({ outcome: "split", reason: expect.stringMatching(/split at its headings/) });
    expect(big.parts).toBeGreaterThan(1);
    const parts = result.items.filter((item) => item.article.source_url?.startsWith("upload:big.md"));
    expect(parts.map((item) => item.article.title)).toEqual(
      Array.from({ length: big.parts }, (_, index) => `Big manual (part ${index + 1})`),
    );
    const bodies = await Promise.all(parts.map((item) => getKnowledgeArticle(deps, { id: item.article.id })));
    for (const body of bodies) {
      expect(body.body.length).toBeLessThanOrEqual(60_000);
      expect(body.body).toMatch(/^## Section \d+/);
    }
    const words = (text: string) => text.replace(/\s+/g, " ").trim();
    expect(words(bodies.map((article) => article.body).join("\n\n"))).toBe(words(sections.join("\n\n")));
    expect(result.report.find((entry) => entry.source === "upload:small.md")).toMatchObject({
      outcome: "kept",
      parts: 1,
    });
  });

  it("removes NUL and other control characters from imported text, on both databases", async () => {
    const result = await importUploadedFile(
      deps,
      {
        name: "nul.md",
        bytes: Buffer.from("# Title\u0000 here\n\nBody\u0000 with\u0007 controls\tand tabs\r\nkept."),
        published: true,
      },
      { maxBytes: 100_000 },
      TEST_BY,
    );
    const article = await getKnowledgeArticle(deps, { id: result.items[0]!.article.id });
    expect(article.title).toBe("Title here");
    expect(article.body).toBe("Body with controls\tand tabs\r\nkept.");
  });

  describe("fetching", () => {
    let site: Site;
    beforeAll(async () => {
      site = await startSite({
        "/robots.txt": (_request, response) =>
          response
            .writeHead(200, { "content-type": "text/plain" })
            .end(`User-agent: *\nDisallow: /private/\nDisallow: ${REDOS_RULE}\n`),
        "/help/moved": (_request, response) =>
          response.writeHead(302, { location: "/private/secrets" }).end(),
        "/private/secrets": html("Secrets", "Internal only."),
        "/help/page": html("Page", "A public page."),
        "/slow": (_request, response) => {
          setTimeout(() => html("Slow", "Slow page.")(_request, response), 4_000);
        },
        "/sitemap.xml": (_request, response) =>
          response
            .writeHead(200, { "content-type": "application/xml" })
            .end(redosSitemap(site.origin, "/help/page", 200)),
        "/slow-sitemap.xml": (_request, response) =>
          response.writeHead(200, { "content-type": "application/xml" }).end(
            `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` +
              Array.from({ length: 5 }, () => `<url><loc>${site.origin}/slow</loc></url>`)
                .map((entry, index) => entry.replace("/slow<", `/slow?n=${index}<`))
                .join("") +
              `</urlset>`,
          ),
      });
    });
    afterAll(() => site.close());

    it("checks robots.txt (linear time) only for the pages it will fetch, not every sitemap entry", async () => {
      const result = await importFromUrl(
        deps,
        { url: `${site.origin}/sitemap.xml`, published: true },
        { ...LIMITS, maxPages: 3 },
        TEST_BY,
      );
      expect(result.items.map((item) => item.article.source_url)).toEqual([`${site.origin}/help/page`]);
      const reasons = result.report.map((entry) => entry.reason ?? "");
      expect(reasons.filter((reason) => reason.startsWith("over the page limit")).length).toBe(100);
      expect(reasons.some((reason) => /more pages over the page limit/.test(reason))).toBe(true);
    });

    it("does not follow a same-origin redirect into a path robots.txt disallows", async () => {
      const before = site.requested.length;
      expect(
        await failure(
          importFromUrl(deps, { url: `${site.origin}/help/moved`, published: true }, LIMITS, TEST_BY),
        ),
      ).toMatchObject({ id: "KNOWLEDGE_IMPORT_REFUSED", message: expect.stringMatching(/robots\.txt/) });
      expect(site.requested.slice(before)).not.toContain("/private/secrets");
    });

    it("refuses [::127.0.0.1] and friends at connect time too", async () => {
      for (const host of ["[::127.0.0.1]", "[::ffff:0:127.0.0.1]"])
        expect(
          await failure(
            importFromUrl(
              deps,
              { url: `http://${host}:${site.port}/help/page`, published: true },
              { ...LIMITS, allowPrivate: false },
              TEST_BY,
            ),
          ),
          host,
        ).toMatchObject({
          id: "KNOWLEDGE_IMPORT_REFUSED",
          message: expect.stringMatching(/private or local/),
        });
    });

    it("never reuses a socket another client kept alive (its own agent): a private host stays refused", async () => {
      const url = `http://localhost:${site.port}/help/page`;
      // Another part of the server (e.g. a webhook delivery with private addresses allowed) talks to that host
      // through the global agent, which keeps its socket alive …
      await new Promise<void>((resolve, reject) =>
        http
          .get(url, { agent: http.globalAgent }, (response) => {
            response.resume();
            response.on("end", resolve);
          })
          .on("error", reject),
      );
      await new Promise((resolve) => setImmediate(resolve));
      // … and the import, private addresses refused, must not ride on it.
      expect(
        await failure(
          importFromUrl(deps, { url, published: true }, { ...LIMITS, allowPrivate: false }, TEST_BY),
        ),
      ).toMatchObject({ id: "KNOWLEDGE_IMPORT_REFUSED", message: expect.stringMatching(/private or local/) });
    });

    it(
      "stops a whole import at its deadline and says which pages were not fetched",
      { timeout: 60_000 },
      async () => {
        const result = await importFromUrl(
          deps,
          { url: `${site.origin}/slow-sitemap.xml`, published: true },
          // Room for the sitemap itself on a loaded machine (the parse worker starts in 1–2 s there); five pages of
          // 4 s each cannot all fit.
          { ...LIMITS, deadlineMs: 9_000 },
          TEST_BY,
        );
        expect(
          result.report.some((entry) => entry.outcome === "refused" && /deadline/.test(entry.reason ?? "")),
        ).toBe(true);
        expect(result.items.length).toBeLessThan(5);
      },
    );
  });
});
