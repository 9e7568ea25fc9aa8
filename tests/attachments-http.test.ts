/**
 * Attachments both ways (issue 26 item 7) over real HTTP (`next start`, both databases): a visitor uploads files
 * (the type read from the bytes: an .exe or HTML named .png is refused with 415; over ATTACHMENT_MAX_BYTES 413),
 * sends them with a message (REST, the streaming route) and sees them in the message, the message list and the
 * event stream; another visitor gets 404; an agent uploads through the admin API and replies with a file; the
 * downloads are attachments, sandboxed and never sniffed; the files are in the admin's visitor export and erased
 * with the visitor. On PostgreSQL, a second instance serves a file the first stored.
 */
import { zipSync, strToU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/server/db/client";
import { openSse } from "../testing/sse";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "./helpers/databases";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachServer, startServer, type RunningServer } from "./helpers/server";

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` };
const MAX_BYTES = 65_536;

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const EXE = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(62), Buffer.from("PE\0\0"), Buffer.alloc(200)]);
const HTML = Buffer.from("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>");
const TEXT = Buffer.from("Order 4711 — the error says “disk full” ✓\n");
const DOCX = Buffer.from(
  zipSync({
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    "word/document.xml": strToU8('<?xml version="1.0"?><w:document/>'),
  }),
);

interface Envelope {
  success: boolean;
  code?: string;
  errors?: Record<string, string[]>;
  data?: unknown;
}
interface AttachmentData {
  id: string;
  name: string;
  content_type: string;
  size: number;
  url: string;
}

async function uploadTo(
  baseUrl: string,
  path: string,
  name: string,
  bytes: Buffer,
  headers: Record<string, string> = {},
) {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(bytes)], { type: "image/png" }), name);
  const response = await fetch(`${baseUrl}${path}`, { method: "POST", headers, body: form });
  return { status: response.status, body: (await response.json()) as Envelope };
}

describeEachServer(
  "attachments over HTTP",
  (target, dialect) => {
    let checker: DocumentChecker;
    let visitorId: string;
    let sessionId: string;
    let otherVisitorId: string;
    let otherSessionId: string;
    const uploaded: Record<string, AttachmentData> = {};

    async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${target().baseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as Envelope;
      checker.expectDeclared(method, path, response.status, json);
      return { status: response.status, body: json };
    }

    async function upload(name: string, bytes: Buffer, session = sessionId, visitor = visitorId) {
      const path = `/api/chats/sessions/${session}/attachments/?visitor_id=${visitor}`;
      const answer = await uploadTo(target().baseUrl, path, name, bytes);
      checker.expectDeclared("POST", path, answer.status, answer.body);
      return answer;
    }

    beforeAll(async () => {
      checker = await loadDocumentChecker(target().baseUrl);
      const visitor = await call("POST", "/api/chats/visitors/", { metadata: {} });
      visitorId = (visitor.body.data as { id: string }).id;
      sessionId = (
        (await call("POST", "/api/chats/sessions/", { visitor_id: visitorId })).body.data as { id: string }
      ).id;
      const other = await call("POST", "/api/chats/visitors/", { metadata: {} });
      otherVisitorId = (other.body.data as { id: string }).id;
      otherSessionId = (
        (await call("POST", "/api/chats/sessions/", { visitor_id: otherVisitorId })).body.data as {
          id: string;
        }
      ).id;
    });

    it("stores allowed files with the type their bytes show, whatever their name says", async () => {
      const cases: [key: string, name: string, bytes: Buffer, type: string][] = [
        ["png", "screen shot ü.png", PNG, "image/png"],
        ["pdf", "invoice.pdf", PDF, "application/pdf"],
        ["text", "log.txt", TEXT, "text/plain; charset=utf-8"],
        [
          "docx",
          "report.docx",
          DOCX,
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ],
        // A PNG named .pdf is a PNG.
        ["renamed", "not-a.pdf", PNG, "image/png"],
      ];
      for (const [key, name, bytes, type] of cases) {
        const answer = await upload(name, bytes);
        expect([key, answer.status]).toEqual([key, 201]);
        const data = answer.body.data as AttachmentData;
        expect(data).toMatchObject({ name, content_type: type, size: bytes.length });
        expect(data.url).toBe(`/api/chats/sessions/${sessionId}/attachments/${data.id}/`);
        uploaded[key] = data;
      }
    });

    it("refuses an executable or HTML named .png (415), a file over ATTACHMENT_MAX_BYTES (413), no file (400)", async () => {
      for (const bytes of [EXE, HTML, Buffer.from([0, 1, 2, 3, 255, 254])]) {
        const answer = await upload("photo.png", bytes);
        expect([answer.status, answer.body.code]).toEqual([415, "ATTACHMENT_UNSUPPORTED_TYPE"]);
      }
      // Just over the limit (inside the multipart framing allowance: the file's own size is refused) …
      const over = await upload("big.txt", Buffer.alloc(MAX_BYTES + 1, "a"));
      expect([over.status, over.body.code]).toEqual([413, "ATTACHMENT_TOO_LARGE"]);
      // … and far over it (the body is refused while it streams in).
      const far = await upload("huge.txt", Buffer.alloc(MAX_BYTES * 8, "a"));
      expect([far.status, far.body.code]).toEqual([413, "ATTACHMENT_TOO_LARGE"]);
      const none = await fetch(
        `${target().baseUrl}/api/chats/sessions/${sessionId}/attachments/?visitor_id=${visitorId}`,
        { method: "POST", body: new FormData() },
      );
      const noneBody = (await none.json()) as Envelope;
      expect([none.status, noneBody.code, Object.keys(noneBody.errors ?? {})]).toEqual([
        400,
        "VALIDATION_FAILED",
        ["file"],
      ]);
      // Nothing refused was stored.
      expect(await target().database.db.attachment.count({ where: { session_id: sessionId } })).toBe(5);
    });

    it("serves a file to its visitor only, as a sandboxed download; images inline on request", async () => {
      const png = uploaded.png!;
      const response = await fetch(`${target().baseUrl}${png.url}?visitor_id=${visitorId}`);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(PNG)).toBe(true);
      expect(response.headers.get("content-type")).toBe("image/png");
      expect(response.headers.get("content-disposition")).toBe(
        `attachment; filename="screen shot _.png"; filename*=UTF-8''screen%20shot%20%C3%BC.png`,
      );
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
      const inline = await fetch(`${target().baseUrl}${png.url}?visitor_id=${visitorId}&inline=1`);
      expect(inline.headers.get("content-disposition")).toMatch(/^inline;/);
      await inline.body?.cancel();
      // A PDF stays a download even when asked inline.
      const pdf = await fetch(`${target().baseUrl}${uploaded.pdf!.url}?visitor_id=${visitorId}&inline=1`);
      expect(pdf.headers.get("content-disposition")).toMatch(/^attachment;/);
      await pdf.body?.cancel();

      // Another visitor: 404 for the file (even through their own session's path), 403 uploading into the session.
      for (const path of [
        `${png.url}?visitor_id=${otherVisitorId}`,
        `/api/chats/sessions/${otherSessionId}/attachments/${png.id}/?visitor_id=${otherVisitorId}`,
        `${png.url}?visitor_id=00000000-0000-4000-8000-000000000000`,
      ]) {
        const denied = await call("GET", path);
        expect([path, denied.status, denied.body.code]).toEqual([path, 404, "ATTACHMENT_NOT_FOUND"]);
      }
      const foreign = await upload("x.txt", TEXT, sessionId, otherVisitorId);
      expect([foreign.status, foreign.body.code]).toEqual([403, "SESSION_OF_ANOTHER_VISITOR"]);
      // Agents read every file; anonymous callers of the admin route are refused.
      const agent = await fetch(
        `${target().baseUrl}/api/admin/sessions/${sessionId}/attachments/${png.id}/`,
        {
          headers: ADMIN,
        },
      );
      expect(agent.status).toBe(200);
      expect(Buffer.from(await agent.arrayBuffer()).equals(PNG)).toBe(true);
      const anonymous = await call("GET", `/api/admin/sessions/${sessionId}/attachments/${png.id}/`);
      expect(anonymous.status).toBe(401);
    });

    it("a message carries its files: in the answer, the list, the event stream; each file once", async () => {
      const stream = await openSse(
        `${target().baseUrl}/api/chats/sessions/${sessionId}/events/?visitor_id=${visitorId}`,
      );
      expect(stream.response.status).toBe(200);
      const sent = await call("POST", "/api/chats/messages/chat/", {
        message: `Here is the screenshot ${dialect}`,
        session_id: sessionId,
        visitor_id: visitorId,
        attachment_ids: [uploaded.png!.id, uploaded.pdf!.id],
      });
      expect(sent.status).toBe(200);
      const userMessage = (sent.body.data as { user_message: { id: string; attachments: AttachmentData[] } })
        .user_message;
      expect(userMessage.attachments).toEqual([uploaded.png, uploaded.pdf]);

      const frames = await stream.readUntil((got) =>
        got.some((frame) => frame.event === "message.created" && frame.data.includes(uploaded.png!.id)),
      );
      await stream.close();
      const created = frames.find(
        (frame) => frame.event === "message.created" && frame.data.includes(userMessage.id),
      );
      expect((JSON.parse(created!.data) as { attachments: AttachmentData[] }).attachments).toEqual([
        uploaded.png,
        uploaded.pdf,
      ]);

      const listed = await call("GET", `/api/chats/sessions/${sessionId}/messages/?visitor_id=${visitorId}`);
      const items = (
        listed.body.data as { items: { id: string; role: string; attachments: AttachmentData[] }[] }
      ).items;
      expect(items.find((item) => item.id === userMessage.id)!.attachments).toEqual([
        uploaded.png,
        uploaded.pdf,
      ]);
      expect(
        items.filter((item) => item.id !== userMessage.id).every((item) => item.attachments.length === 0),
      ).toBe(true);

      // Sent already, unknown, or of another conversation: refused with the field named.
      const base = { message: "again", session_id: sessionId, visitor_id: visitorId };
      const again = await call("POST", "/api/chats/messages/chat/", {
        ...base,
        attachment_ids: [uploaded.png!.id],
      });
      expect([again.status, again.body.code, Object.keys(again.body.errors ?? {})]).toEqual([
        400,
        "ATTACHMENT_NOT_ATTACHABLE",
        ["attachment_ids"],
      ]);
      const otherFile = (await upload("theirs.txt", TEXT, otherSessionId, otherVisitorId)).body
        .data as AttachmentData;
      for (const id of ["00000000-0000-4000-8000-000000000000", otherFile.id]) {
        const refused = await call("POST", "/api/chats/messages/chat/", { ...base, attachment_ids: [id] });
        expect([refused.status, refused.body.code, Object.keys(refused.body.errors ?? {})]).toEqual([
          404,
          "ATTACHMENT_NOT_FOUND",
          ["attachment_ids"],
        ]);
      }
      const malformed = await call("POST", "/api/chats/messages/chat/", {
        ...base,
        attachment_ids: ["nope"],
      });
      expect([malformed.status, malformed.body.code]).toEqual([400, "VALIDATION_FAILED"]);

      // tRPC (the widget's transport) takes them and lists them the same way.
      const viaTrpc = (await upload("trpc.txt", TEXT)).body.data as AttachmentData;
      const trpcChat = await fetch(`${target().baseUrl}/api/trpc/messages.chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...base, message: "over tRPC", attachment_ids: [viaTrpc.id] }),
      });
      expect(trpcChat.status).toBe(200);
      const trpcAnswer = (await trpcChat.json()) as {
        result: { data: { user_message: { attachments: AttachmentData[] } } };
      };
      expect(trpcAnswer.result.data.user_message.attachments).toEqual([viaTrpc]);
      const trpcList = await fetch(
        `${target().baseUrl}/api/trpc/messages.list?input=${encodeURIComponent(JSON.stringify({ id: sessionId, visitor_id: visitorId }))}`,
      );
      expect(await trpcList.text()).toContain(viaTrpc.id);

      // The streaming route takes them too.
      const streamed = await fetch(`${target().baseUrl}/api/chats/messages/chat/stream/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...base, message: "and the log", attachment_ids: [uploaded.text!.id] }),
      });
      expect(streamed.status).toBe(200);
      const text = await streamed.text();
      const start = /event: start\ndata: (.*)\n/.exec(text)![1]!;
      expect(
        (JSON.parse(start) as { user_message: { attachments: AttachmentData[] } }).user_message.attachments,
      ).toEqual([uploaded.text]);
    });

    it("an agent uploads through the admin API and replies with the file; sides do not mix", async () => {
      const agentFile = await uploadTo(
        target().baseUrl,
        `/api/admin/sessions/${sessionId}/attachments/`,
        "answer.pdf",
        PDF,
        ADMIN,
      );
      checker.expectDeclared(
        "POST",
        `/api/admin/sessions/${sessionId}/attachments/`,
        agentFile.status,
        agentFile.body,
      );
      expect(agentFile.status).toBe(201);
      const file = agentFile.body.data as AttachmentData;
      // A visitor cannot send the agent's file.
      const visitorTry = await call("POST", "/api/chats/messages/chat/", {
        message: "mine?",
        session_id: sessionId,
        visitor_id: visitorId,
        attachment_ids: [file.id],
      });
      expect([visitorTry.status, visitorTry.body.code]).toEqual([400, "ATTACHMENT_NOT_ATTACHABLE"]);
      expect((await call("POST", `/api/admin/sessions/${sessionId}/claim/`, {}, ADMIN)).status).toBe(200);
      const reply = await call(
        "POST",
        `/api/admin/sessions/${sessionId}/messages/`,
        { message: "Here is the guide", attachment_ids: [file.id] },
        ADMIN,
      );
      expect(reply.status).toBe(201);
      expect((reply.body.data as { attachments: AttachmentData[] }).attachments).toEqual([file]);
      // The visitor downloads the agent's file; the admin transcript shows both sides' files.
      const download = await fetch(`${target().baseUrl}${file.url}?visitor_id=${visitorId}`);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
      const transcript = await call("GET", `/api/admin/sessions/${sessionId}/`, undefined, ADMIN);
      const ids = (
        transcript.body.data as { messages: { attachments: AttachmentData[] }[] }
      ).messages.flatMap((message) => message.attachments.map((attachment) => attachment.id));
      expect(ids).toHaveLength(5);
      expect(ids.slice(0, 2)).toEqual([uploaded.png!.id, uploaded.pdf!.id]);
      expect(ids).toContain(uploaded.text!.id);
      expect(ids[4]).toBe(file.id);
    });

    it("is in the admin's visitor export with its bytes, and erased with the visitor", async () => {
      const exported = await call("GET", `/api/admin/visitors/${visitorId}/export/`, undefined, ADMIN);
      expect(exported.status).toBe(200);
      const files = (exported.body.data as { attachments: (AttachmentData & { content_base64: string })[] })
        .attachments;
      expect(files).toHaveLength(7);
      const png = files.find((entry) => entry.id === uploaded.png!.id)!;
      expect(Buffer.from(png.content_base64, "base64").equals(PNG)).toBe(true);
      expect(JSON.stringify(exported.body.data)).not.toContain("theirs.txt");

      expect((await call("DELETE", `/api/admin/visitors/${visitorId}/`, undefined, ADMIN)).status).toBe(200);
      expect(await target().database.db.attachment.count({ where: { visitor_id: visitorId } })).toBe(0);
      expect(await target().database.db.attachment.count({ where: { visitor_id: otherVisitorId } })).toBe(1);
      const gone = await call("GET", `${uploaded.png!.url}?visitor_id=${visitorId}`);
      expect([gone.status, gone.body.code]).toEqual([404, "ATTACHMENT_NOT_FOUND"]);
    });
  },
  { env: () => ({ ATTACHMENT_MAX_BYTES: String(MAX_BYTES) }) },
);

describe.runIf(dialectsUnderTest().includes("postgresql"))(
  "attachments on two instances [postgresql]",
  () => {
    let testDatabase: TestDatabase;
    let database: Database;
    let servers: RunningServer[] = [];

    beforeAll(async () => {
      testDatabase = await createTestDatabase("postgresql");
      servers = await Promise.all([
        startServer({ databaseUrl: testDatabase.url }),
        startServer({ databaseUrl: testDatabase.url }),
      ]);
      database = await openDatabase(testDatabase.url);
    }, 120_000);

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      await database?.close();
      await testDatabase?.drop();
    });

    it("a file stored through one instance is served by the other", async () => {
      const [a, b] = servers as [RunningServer, RunningServer];
      const visitor = (await (
        await fetch(`${a.baseUrl}/api/chats/visitors/`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
      ).json()) as { data: { id: string } };
      const session = (await (
        await fetch(`${a.baseUrl}/api/chats/sessions/`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ visitor_id: visitor.data.id }),
        })
      ).json()) as { data: { id: string } };
      const stored = await uploadTo(
        a.baseUrl,
        `/api/chats/sessions/${session.data.id}/attachments/?visitor_id=${visitor.data.id}`,
        "shot.png",
        PNG,
      );
      expect(stored.status).toBe(201);
      const file = stored.body.data as AttachmentData;
      const served = await fetch(`${b.baseUrl}${file.url}?visitor_id=${visitor.data.id}`);
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    });
  },
);
