/**
 * The knowledge base over real HTTP (next start, both databases): the admin REST API under /api/admin/knowledge
 * (Bearer key) creates, edits, unpublishes and deletes articles; the assistant's reply cites a new article at once
 * and /help shows it; a file upload imports; bad input is a 4xx with field detail.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachServer } from "./helpers/server";

interface Envelope<T> {
  success: boolean;
  message: string;
  code?: string;
  errors?: Record<string, string[]>;
  data: T;
}
interface Article {
  id: string;
  slug: string;
  title: string;
  body: string;
  published: boolean;
  url: string;
}

describeEachServer(
  "knowledge base admin API and live search over HTTP",
  (target) => {
    let checker: DocumentChecker;
    beforeAll(async () => {
      checker = await loadDocumentChecker(target().baseUrl);
    });

    async function call<T>(method: string, url: string, json?: unknown, admin = true) {
      const response = await fetch(`${target().baseUrl}${url}`, {
        method,
        headers: {
          ...(admin && { authorization: `Bearer ${TEST_ADMIN_API_KEY}` }),
          ...(json !== undefined && { "content-type": "application/json" }),
        },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      const body = (await response.json()) as Envelope<T>;
      checker.expectDeclared(method, url, response.status, body);
      return { status: response.status, body };
    }

    async function ask(message: string) {
      const visitor = await call<{ id: string }>("POST", "/api/chats/visitors/", {}, false);
      const session = await call<{ id: string }>(
        "POST",
        "/api/chats/sessions/",
        { visitor_id: visitor.body.data.id },
        false,
      );
      const chat = await call<{ assistant_message: { content: string; sources: { url: string }[] } }>(
        "POST",
        "/api/chats/messages/chat/",
        { visitor_id: visitor.body.data.id, session_id: session.body.data.id, message },
        false,
      );
      expect(chat.status).toBe(200);
      return chat.body.data.assistant_message;
    }

    it("lists the seeded articles; a created article is cited and shown on /help; unpublish and delete take it away", async () => {
      const list = await call<{ items: Article[] }>("GET", "/api/admin/knowledge/");
      expect(list.status).toBe(200);
      expect(list.body.data.items.map((item) => item.slug)).toContain("getting-started");

      const question = "Do you offer gift wrapping for presents?";
      expect((await ask(question)).sources).toEqual([]);

      const created = await call<Article>("POST", "/api/admin/knowledge/", {
        title: "Gift wrapping",
        body: "## Do you offer gift wrapping\n\nYes: tick *gift wrapping* at checkout and we wrap your presents for free.",
      });
      expect(created.status).toBe(201);
      const article = created.body.data;
      expect(article).toMatchObject({ slug: "gift-wrapping", published: true, url: "/help/gift-wrapping" });

      const answer = await ask(question);
      expect(answer.sources[0]?.url).toBe("/help/gift-wrapping#do-you-offer-gift-wrapping");
      expect(answer.content).toContain("we wrap your presents");
      const page = await fetch(`${target().baseUrl}/help/gift-wrapping`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="do-you-offer-gift-wrapping"');

      const found = await call<{ items: Article[] }>("GET", "/api/admin/knowledge/?search=WRAP");
      expect(found.body.data.items.map((item) => item.id)).toEqual([article.id]);

      const hidden = await call<Article>("PATCH", `/api/admin/knowledge/${article.id}/`, {
        published: false,
      });
      expect(hidden.body.data.published).toBe(false);
      expect((await ask(question)).sources).toEqual([]);
      expect((await fetch(`${target().baseUrl}/help/gift-wrapping`)).status).toBe(404);

      await call<Article>("PATCH", `/api/admin/knowledge/${article.id}/`, { published: true });
      expect((await ask(question)).sources[0]?.url).toMatch(/^\/help\/gift-wrapping/);

      const deleted = await call<Article>("DELETE", `/api/admin/knowledge/${article.id}/`);
      expect(deleted.status).toBe(200);
      expect((await ask(question)).sources).toEqual([]);
      const gone = await call<Article>("GET", `/api/admin/knowledge/${article.id}/`);
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe("KNOWLEDGE_ARTICLE_NOT_FOUND");
    });

    it("answers bad input with 4xx and field detail, never 500", async () => {
      const missing = await call<unknown>("POST", "/api/admin/knowledge/", { body: "x" });
      expect(missing.status).toBe(400);
      expect(Object.keys(missing.body.errors ?? {})).toContain("title");
      const badSlug = await call<unknown>("POST", "/api/admin/knowledge/", {
        title: "A",
        body: "b",
        slug: "Not OK",
      });
      expect(badSlug.status).toBe(400);
      expect(Object.keys(badSlug.body.errors ?? {})).toContain("slug");
      const taken = await call<unknown>("POST", "/api/admin/knowledge/", {
        title: "A",
        body: "b",
        slug: "getting-started",
      });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe("KNOWLEDGE_SLUG_TAKEN");
      const badUrl = await call<unknown>("POST", "/api/admin/knowledge/import/", {
        url: "ftp://example.com/",
      });
      expect(badUrl.status).toBe(400);
      expect(Object.keys(badUrl.body.errors ?? {})).toContain("url");
      const privateUrl = await call<unknown>("POST", "/api/admin/knowledge/import/", {
        url: "http://169.254.169.254/latest/meta-data",
      });
      expect(privateUrl.status).toBe(400);
      expect(privateUrl.body.code).toBe("KNOWLEDGE_IMPORT_REFUSED");
      expect((await call<unknown>("GET", "/api/admin/knowledge/not-a-uuid/")).status).toBe(404);
    });

    it("imports an uploaded PDF, and refuses an unsupported file", async () => {
      const upload = async (name: string, bytes: Uint8Array<ArrayBuffer>) => {
        const form = new FormData();
        form.set("file", new Blob([bytes]), name);
        const response = await fetch(`${target().baseUrl}/api/admin/knowledge/upload/`, {
          method: "POST",
          headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}` },
          body: form,
        });
        const body = (await response.json()) as Envelope<{ items: { status: string; article: Article }[] }>;
        checker.expectDeclared("POST", "/api/admin/knowledge/upload/", response.status, body);
        return { status: response.status, body };
      };
      const pdf = await upload(
        "returns.pdf",
        new Uint8Array(readFileSync(path.resolve("tests/fixtures/knowledge/returns.pdf"))),
      );
      expect(pdf.status).toBe(200);
      expect(pdf.body.data.items[0]).toMatchObject({
        status: "created",
        article: { title: "Returns policy" },
      });
      expect((await ask("can I return an item after delivery?")).sources[0]?.url).toBe(
        pdf.body.data.items[0]!.article.url,
      );
      const exe = await upload("tool.exe", new TextEncoder().encode("MZ"));
      expect(exe.status).toBe(415);
      expect(exe.body.code).toBe("KNOWLEDGE_IMPORT_UNSUPPORTED_FILE");
    });
  },
  { env: () => ({ KNOWLEDGE_REFRESH_SECONDS: "0" }) },
);
