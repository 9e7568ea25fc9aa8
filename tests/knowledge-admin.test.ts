/**
 * The knowledge base in the database: seeding, editor changes visible to the responder's search (create, edit,
 * unpublish, publish, delete), imports from a local fixture site (page, sitemap, robots.txt refusal, oversized
 * page, private addresses refused by default, re-import in place), uploads (.md, .html, .pdf) and hybrid
 * retrieval's vectors (computed once per content). On both databases.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isPrivateAddress } from "~/server/admin/knowledge/fetch-page";
import {
  importFromUrl,
  importUploadedFile,
  parseRobots,
  robotsAllows,
} from "~/server/admin/knowledge/knowledge-import";
import {
  createKnowledgeArticle,
  deleteKnowledgeArticle,
  getKnowledgeArticle,
  listKnowledgeArticles,
  updateKnowledgeArticle,
} from "~/server/admin/knowledge/knowledge.service";
import type { ChatDeps } from "~/server/chat/deps";
import { seedKnowledgeArticles } from "~/server/chat/knowledge/articles";
import { LiveKnowledge } from "~/server/chat/knowledge/live-knowledge";
import type { MessageSource } from "~/server/chat/messages/message.schema";
import { KnowledgeBaseResponder } from "~/server/chat/responder/knowledge-base";
import { type AppError } from "~/server/errors/app-error";
import { logger } from "~/server/observability/logger";
import { startFakeLlm, type FakeLlm } from "../testing/fake-llm";
import { ScriptedResponder } from "../testing/responders";
import { ask } from "./helpers/ask";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";

const KNOWLEDGE_DIR = path.resolve("content/knowledge");

const urls = (sources: MessageSource[]) => sources.map((source) => source.url);

/** A small site: pages, a sitemap, a robots.txt that refuses /private/, and a page over the size limit. */
interface FixtureSite {
  origin: string;
  pages: Map<string, { type: string; body: string | Buffer }>;
  close(): Promise<void>;
}

async function startFixtureSite(): Promise<FixtureSite> {
  const pages = new Map<string, { type: string; body: string | Buffer }>();
  const server: Server = createServer((request, response) => {
    const page = pages.get(request.url ?? "/");
    if (!page) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
      return;
    }
    response.writeHead(200, { "content-type": page.type });
    response.end(page.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const html = (title: string, body: string) =>
    `<!doctype html><html><head><title>${title} | Acme</title></head><body><nav><a href="/">Home</a> <a href="/pricing">Pricing</a></nav>` +
    `<main><article><h1>${title}</h1>${body}</article></main><footer>© Acme</footer></body></html>`;
  pages.set("/robots.txt", { type: "text/plain", body: "User-agent: *\nDisallow: /private/\n" });
  pages.set("/help/shipping", {
    type: "text/html; charset=utf-8",
    body: html(
      "Shipping",
      "<p>We ship worldwide from our warehouse in Lyon.</p><h2>How long does delivery take</h2>" +
        "<p>Parcels arrive within three working days in Europe and within eight working days elsewhere.</p>" +
        "<h2>What does shipping cost</h2><p>Shipping is free for orders over fifty euros; otherwise a flat fee of five euros applies.</p>" +
        "<script>alert('x')</script>",
    ),
  });
  pages.set("/help/warranty", {
    type: "text/html",
    body: html(
      "Warranty",
      "<p>Every kettle carries a two-year warranty covering manufacturing defects. Keep your receipt as proof of purchase.</p>",
    ),
  });
  pages.set("/private/secrets", { type: "text/html", body: html("Secrets", "<p>Internal only.</p>") });
  pages.set("/help/huge", {
    type: "text/html",
    body: html("Huge", `<p>${"lorem ipsum ".repeat(20_000)}</p>`),
  });
  pages.set("/sitemap.xml", {
    type: "application/xml",
    body:
      `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` +
      [
        `${origin}/help/shipping`,
        `${origin}/help/warranty`,
        `${origin}/private/secrets`,
        `${origin}/help/huge`,
        `https://other.example/help/elsewhere`,
      ]
        .map((loc) => `<url><loc>${loc}</loc></url>`)
        .join("") +
      `</urlset>`,
  });
  return {
    origin,
    pages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const LIMITS = { allowPrivate: true, maxBytes: 100_000, timeoutMs: 5_000, maxPages: 10 };

describe("robots.txt rules", () => {
  it("applies the longest matching rule of the group for us, else *", () => {
    const rules = parseRobots(
      "User-agent: *\nDisallow: /private/\nAllow: /private/open\n\nUser-agent: other\nDisallow: /",
    );
    expect(robotsAllows(rules, "/help")).toBe(true);
    expect(robotsAllows(rules, "/private/x")).toBe(false);
    expect(robotsAllows(rules, "/private/open/page")).toBe(true);
    expect(robotsAllows(parseRobots("User-agent: VisitorChatImporter\nDisallow: /\n"), "/help")).toBe(false);
  });

  it("knows private and local addresses", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "192.168.0.1",
      "172.20.0.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "::ffff:127.0.0.1",
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ["93.184.216.34", "2606:4700::1111"])
      expect(isPrivateAddress(address), address).toBe(false);
  });
});

describeEachDatabase("knowledge base in the database", (database) => {
  let deps: ChatDeps;
  let live: LiveKnowledge;
  let responder: KnowledgeBaseResponder;
  let site: FixtureSite;

  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder([]) });
    live = new LiveKnowledge(deps.db, { refreshMs: 0, seedDirectory: KNOWLEDGE_DIR });
    responder = new KnowledgeBaseResponder(live, { chunkDelayMs: 0 });
    site = await startFixtureSite();
  });
  afterAll(async () => {
    await site.close();
  });

  it("seeds the shipped articles once, on first use; seeding again adds nothing", async () => {
    const { sources } = await ask(responder, "How do I add the chat to my website?");
    expect(urls(sources)[0]).toMatch(/^\/help\/embedding-the-widget/);
    const { items } = await listKnowledgeArticles(deps, undefined);
    expect(items.map((item) => item.slug).sort()).toEqual([
      "embedding-the-widget",
      "getting-started",
      "privacy-and-data",
      "rest-api",
      "troubleshooting",
    ]);
    expect(items.every((item) => item.source_kind === "file" && item.published)).toBe(true);
    expect(await seedKnowledgeArticles(deps.db, KNOWLEDGE_DIR)).toBe(0);
    expect((await listKnowledgeArticles(deps, undefined)).items).toHaveLength(5);
  });

  it("cites a newly created article, and follows edits, unpublish, publish and delete", async () => {
    const question = "What are your opening hours?";
    expect((await ask(responder, question)).sources).toEqual([]);

    const article = await createKnowledgeArticle(
      deps,
      {
        title: "Opening hours",
        body: "## When are you open\n\nOur opening hours are Monday to Friday, 9:00 to 17:00 (Paris time).",
        published: true,
      },
      TEST_BY,
    );
    expect(article.slug).toBe("opening-hours");
    let reply = await ask(responder, question);
    expect(urls(reply.sources)[0]).toBe("/help/opening-hours#when-are-you-open");
    expect(reply.text).toContain("Monday to Friday");

    await updateKnowledgeArticle(
      deps,
      {
        id: article.id,
        body: "## When are you open\n\nOur opening hours are Monday to Saturday, 8:00 to 20:00.",
      },
      TEST_BY,
    );
    reply = await ask(responder, question);
    expect(reply.text).toContain("Monday to Saturday");

    await updateKnowledgeArticle(deps, { id: article.id, published: false }, TEST_BY);
    expect((await ask(responder, question)).sources).toEqual([]);
    await updateKnowledgeArticle(deps, { id: article.id, published: true }, TEST_BY);
    expect(urls((await ask(responder, question)).sources)[0]).toBe("/help/opening-hours#when-are-you-open");

    await deleteKnowledgeArticle(deps, { id: article.id }, TEST_BY);
    expect((await ask(responder, question)).sources).toEqual([]);
    await expect(getKnowledgeArticle(deps, { id: article.id })).rejects.toMatchObject({
      id: "KNOWLEDGE_ARTICLE_NOT_FOUND",
    });
  });

  it("finds articles by title or body text; refuses a taken slug; derives free slugs", async () => {
    const first = await createKnowledgeArticle(
      deps,
      {
        title: "Gift cards",
        body: "Buy a GIFT card online.",
        published: false,
      },
      TEST_BY,
    );
    const second = await createKnowledgeArticle(
      deps,
      {
        title: "Gift cards",
        body: "Redeem them at checkout.",
        published: false,
      },
      TEST_BY,
    );
    expect([first.slug, second.slug]).toEqual(["gift-cards", "gift-cards-2"]);
    const found = await listKnowledgeArticles(deps, { search: "redeem" });
    expect(found.items.map((item) => item.id)).toEqual([second.id]);
    expect((await listKnowledgeArticles(deps, { search: "gift card" })).items).toHaveLength(2);
    await expect(
      createKnowledgeArticle(
        deps,
        { title: "Other", body: "x", slug: "gift-cards", published: true },
        TEST_BY,
      ),
    ).rejects.toMatchObject({ id: "KNOWLEDGE_SLUG_TAKEN" });
    await expect(
      updateKnowledgeArticle(deps, { id: second.id, slug: "gift-cards" }, TEST_BY),
    ).rejects.toMatchObject({
      id: "KNOWLEDGE_SLUG_TAKEN",
    });
  });

  it("imports a page as markdown (main content only), cites it, and re-imports it in place", async () => {
    const url = `${site.origin}/help/shipping`;
    const first = await importFromUrl(deps, { url, published: true }, LIMITS, TEST_BY);
    expect(first.items.map((item) => item.status)).toEqual(["created"]);
    const article = await getKnowledgeArticle(deps, { id: first.items[0]!.article.id });
    expect(article).toMatchObject({ title: "Shipping", source_kind: "url", source_url: url });
    expect(article.body).toContain("## How long does delivery take");
    expect(article.body).not.toMatch(/Pricing|© Acme|alert/);
    const reply = await ask(responder, "how long does delivery take?");
    expect(urls(reply.sources)[0]).toBe(`/help/${article.slug}#how-long-does-delivery-take`);

    expect((await importFromUrl(deps, { url, published: true }, LIMITS, TEST_BY)).items[0]!.status).toBe(
      "unchanged",
    );
    site.pages.set("/help/shipping", {
      type: "text/html",
      body: "<html><head><title>Shipping</title></head><body><article><h1>Shipping</h1><p>We now ship from Berlin to every country in the world, with tracking.</p></article></body></html>",
    });
    const again = await importFromUrl(deps, { url, published: true }, LIMITS, TEST_BY);
    expect(again.items[0]).toMatchObject({
      status: "updated",
      article: { id: article.id, slug: article.slug },
    });
    expect((await getKnowledgeArticle(deps, { id: article.id })).body).toContain("Berlin");
  });

  it("imports a sitemap's same-origin pages, skipping robots.txt refusals, other sites and oversized pages", async () => {
    const result = await importFromUrl(
      deps,
      { url: `${site.origin}/sitemap.xml`, published: true },
      LIMITS,
      TEST_BY,
    );
    expect(result.items.map((item) => item.article.source_url).sort()).toEqual(
      [`${site.origin}/help/shipping`, `${site.origin}/help/warranty`].sort(),
    );
    const reasons = Object.fromEntries(result.skipped.map((entry) => [entry.url, entry.reason]));
    expect(reasons[`${site.origin}/private/secrets`]).toMatch(/robots/);
    expect(reasons["https://other.example/help/elsewhere"]).toMatch(/another site/);
    expect(reasons[`${site.origin}/help/huge`]).toMatch(/larger/);
    expect(urls((await ask(responder, "is there a warranty on the kettle?")).sources)[0]).toMatch(
      /^\/help\/warranty/,
    );
  });

  it("refuses a page robots.txt disallows, an oversized page, a missing page and private addresses by default", async () => {
    const refused = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error as AppError,
      );
    expect(
      await refused(
        importFromUrl(deps, { url: `${site.origin}/private/secrets`, published: true }, LIMITS, TEST_BY),
      ),
    ).toMatchObject({
      id: "KNOWLEDGE_IMPORT_REFUSED",
      message: expect.stringMatching(/robots\.txt/),
    });
    expect(
      await refused(
        importFromUrl(deps, { url: `${site.origin}/help/huge`, published: true }, LIMITS, TEST_BY),
      ),
    ).toMatchObject({
      id: "KNOWLEDGE_IMPORT_TOO_LARGE",
    });
    expect(
      await refused(importFromUrl(deps, { url: `${site.origin}/nope`, published: true }, LIMITS, TEST_BY)),
    ).toMatchObject({
      id: "KNOWLEDGE_IMPORT_FAILED",
    });
    expect(
      await refused(
        importFromUrl(
          deps,
          { url: `${site.origin}/help/warranty`, published: true },
          { ...LIMITS, allowPrivate: false },
          TEST_BY,
        ),
      ),
    ).toMatchObject({ id: "KNOWLEDGE_IMPORT_REFUSED", message: expect.stringMatching(/private or local/) });
    expect(
      await refused(
        importFromUrl(
          deps,
          { url: `http://localhost:${new URL(site.origin).port}/help/warranty`, published: true },
          { ...LIMITS, allowPrivate: false },
          TEST_BY,
        ),
      ),
    ).toMatchObject({ id: "KNOWLEDGE_IMPORT_REFUSED" });
  });

  it("imports uploaded .pdf, .md and .html files; a second upload of the same name updates in place", async () => {
    const pdf = readFileSync(path.resolve("tests/fixtures/knowledge/returns.pdf"));
    const result = await importUploadedFile(
      deps,
      { name: "returns.pdf", bytes: pdf, published: true },
      { maxBytes: 100_000 },
      TEST_BY,
    );
    const article = await getKnowledgeArticle(deps, { id: result.items[0]!.article.id });
    expect(article).toMatchObject({
      title: "Returns policy",
      source_kind: "upload",
      source_url: "upload:returns.pdf",
    });
    expect(article.body).toContain("You can return any item within 30 days of delivery.");
    expect(urls((await ask(responder, "can I return an item after delivery?")).sources)[0]).toBe(
      `/help/${article.slug}`,
    );

    const md = await importUploadedFile(
      deps,
      {
        name: "faq.md",
        bytes: Buffer.from("# Loyalty points\n\n## How do I earn points\n\nOne point per euro spent."),
        published: true,
      },
      { maxBytes: 100_000 },
      TEST_BY,
    );
    expect(md.items[0]).toMatchObject({ status: "created", article: { title: "Loyalty points" } });
    const mdAgain = await importUploadedFile(
      deps,
      {
        name: "faq.md",
        bytes: Buffer.from("# Loyalty points\n\n## How do I earn points\n\nTwo points per euro spent."),
        published: true,
      },
      { maxBytes: 100_000 },
      TEST_BY,
    );
    expect(mdAgain.items[0]).toMatchObject({ status: "updated", article: { id: md.items[0]!.article.id } });

    const html = await importUploadedFile(
      deps,
      {
        name: "care.html",
        bytes: Buffer.from(
          "<html><body><article><h1>Kettle care</h1><p>Descale the kettle monthly with white vinegar and rinse it twice afterwards.</p></article></body></html>",
        ),
        published: false,
      },
      { maxBytes: 100_000 },
      TEST_BY,
    );
    expect(html.items[0]!.article).toMatchObject({ title: "Kettle care", published: false });

    await expect(
      importUploadedFile(
        deps,
        { name: "tool.exe", bytes: Buffer.from("MZ"), published: true },
        { maxBytes: 100_000 },
        TEST_BY,
      ),
    ).rejects.toMatchObject({ id: "KNOWLEDGE_IMPORT_UNSUPPORTED_FILE" });
    await expect(
      importUploadedFile(
        deps,
        { name: "big.txt", bytes: Buffer.alloc(2000, 97), published: true },
        { maxBytes: 1000 },
        TEST_BY,
      ),
    ).rejects.toMatchObject({ id: "KNOWLEDGE_IMPORT_TOO_LARGE" });
    await expect(
      importUploadedFile(
        deps,
        { name: "broken.pdf", bytes: Buffer.from("not a pdf"), published: true },
        { maxBytes: 100_000 },
        TEST_BY,
      ),
    ).rejects.toMatchObject({ id: "KNOWLEDGE_IMPORT_REFUSED" });
  });

  describe("hybrid retrieval (embeddings)", () => {
    let llm: FakeLlm;
    beforeAll(async () => {
      llm = await startFakeLlm();
    });
    afterAll(async () => {
      await llm.close();
    });

    const settings = () => ({
      baseUrl: llm.baseUrl,
      model: "fake-embed",
      timeoutMs: 5_000,
      minSimilarity: 0.5,
    });

    it("computes each passage's vector once, and again only for passages whose text changed", async () => {
      const first = new LiveKnowledge(deps.db, { refreshMs: 0, embeddings: settings() });
      const base = await first.current();
      expect(base.semantic).toBeDefined();
      expect(first.vectorsComputed).toBe(base.passages.length);

      // Another instance (or a restart) finds every vector stored: nothing is sent to the endpoint for passages.
      const before = llm.embeddingRequests.length;
      const second = new LiveKnowledge(deps.db, { refreshMs: 0, embeddings: settings() });
      await second.current();
      expect(second.vectorsComputed).toBe(0);
      expect(llm.embeddingRequests.length).toBe(before);

      // One edited section: one new vector.
      const article = await createKnowledgeArticle(
        deps,
        {
          title: "Store pickup",
          body: "## Can I collect my order\n\nYes: choose pickup at checkout and collect it in Lyon.\n\n## Pickup hours\n\nNine to six.",
          published: true,
        },
        TEST_BY,
      );
      await second.current();
      expect(second.vectorsComputed).toBe(2);
      await updateKnowledgeArticle(
        deps,
        {
          id: article.id,
          body: "## Can I collect my order\n\nYes: choose pickup at checkout and collect it in Lyon.\n\n## Pickup hours\n\nTen to seven.",
        },
        TEST_BY,
      );
      await second.current();
      expect(second.vectorsComputed).toBe(3);
      const rows = await deps.db.knowledgeVector.count({ where: { model: "fake-embed" } });
      expect(rows).toBe(base.passages.length + 3);
    });

    it("falls back to lexical search when the embeddings endpoint is down, without retrying on every question", async () => {
      const down = new LiveKnowledge(deps.db, {
        refreshMs: 0,
        embeddings: { ...settings(), baseUrl: "http://127.0.0.1:9/v1", model: "unreachable" },
      });
      const errors = vi.spyOn(logger, "error").mockImplementation(() => undefined);
      try {
        const lexical = new KnowledgeBaseResponder(down, { chunkDelayMs: 0 });
        expect(urls((await ask(lexical, "How do I add the chat to my website?")).sources)[0]).toMatch(
          /^\/help\/embedding-the-widget/,
        );
        expect((await down.current()).semantic).toBeUndefined();
        await ask(lexical, "How do I add the chat to my website?");
        expect(errors).toHaveBeenCalledTimes(1);
      } finally {
        errors.mockRestore();
      }
    });

    it("answers through the fused ranking and still refuses unrelated questions", async () => {
      const hybrid = new KnowledgeBaseResponder(
        new LiveKnowledge(deps.db, { refreshMs: 0, embeddings: settings() }),
        {
          chunkDelayMs: 0,
        },
      );
      expect(urls((await ask(hybrid, "can I collect my order in Lyon?")).sources)[0]).toMatch(
        /^\/help\/store-pickup/,
      );
      expect((await ask(hybrid, "What is the capital of France?")).sources).toEqual([]);
      const asked = llm.embeddingRequests.at(-1)!;
      expect(asked.input).toEqual(["What is the capital of France?"]);
    });
  });
});
