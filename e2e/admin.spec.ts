/**
 * The admin pages as a support agent uses them: sign in, find a visitor by its metadata, open a transcript,
 * export it, create an API key, use it over REST, revoke it.
 *
 * Needs a running server (baseURL) whose database has an admin created with
 *   printf '%s' "$E2E_ADMIN_PASSWORD" | npm run admin:create -- --email "$E2E_ADMIN_EMAIL"
 * (defaults below). The test makes its own visitor, session and messages through the public REST API.
 */
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./helpers";

const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "e2e-admin@example.com";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e admin password 2026";

interface Envelope<T> {
  success: boolean;
  data: T;
}

/** A visitor with a unique metadata marker, a session and one exchange, made the way the widget makes them. */
async function seedConversation(request: APIRequestContext, marker: string) {
  const visitor = await request.post("/api/chats/visitors/", {
    data: { metadata: { company: `Acme ${marker}`, locale: "fr-FR" } },
  });
  expect(visitor.status()).toBe(201);
  const visitorId = ((await visitor.json()) as Envelope<{ id: string }>).data.id;
  const session = await request.post("/api/chats/sessions/", { data: { visitor_id: visitorId } });
  const sessionId = ((await session.json()) as Envelope<{ id: string }>).data.id;
  const question = `Bonjour, "refund", **please**\nthanks ${marker}`;
  const chat = await request.post("/api/chats/messages/chat/", {
    data: { session_id: sessionId, visitor_id: visitorId, message: question },
  });
  expect(chat.ok()).toBe(true);
  return { visitorId, sessionId, question };
}

test("a support agent finds a conversation, exports it, and manages an API key", async ({
  page,
  request,
}) => {
  const marker = `e2e-${Date.now().toString(36)}`;
  const { visitorId, sessionId, question } = await seedConversation(request, marker);

  await test.step("the admin pages need sign-in", async () => {
    await page.goto("/admin/visitors");
    await expect(page).toHaveURL(/\/admin\/sign-in\?next=%2Fadmin%2Fvisitors/);
  });

  await test.step("sign in", async () => {
    await page.getByLabel("Email").fill(ADMIN_EMAIL);
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/admin\/visitors$/);
    await expect(page.getByRole("heading", { name: "Visitors" })).toBeVisible();
    await expect(page.getByText(ADMIN_EMAIL)).toBeVisible();
  });

  await test.step("find the visitor by a word in its metadata", async () => {
    await page.getByLabel("Search (id or metadata text)").fill(marker);
    await page.getByRole("button", { name: "Search" }).click();
    const rows = page.locator("tbody tr");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(`Acme ${marker}`);
    await rows.first().getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/admin/visitors/${visitorId}$`));
    await expect(page.locator("pre.metadata")).toContainText(marker);
  });

  await test.step("open the transcript", async () => {
    await page.locator("tbody").getByRole("link").first().click();
    await expect(page).toHaveURL(new RegExp(`/admin/sessions/${sessionId}$`));
    const messages = page.locator("article.message");
    await expect(messages).toHaveCount(2);
    await expect(messages.first()).toContainText("Visitor");
    await expect(messages.first()).toContainText(`thanks ${marker}`);
    await expect(messages.nth(1)).toContainText("Assistant");
    await expect(messages.nth(1).locator(".badge")).toHaveText("complete");
    // Markdown is rendered (sanitized, as in the widget), and the visitor's line break kept.
    await expect(messages.first().locator(".content strong")).toHaveText("please");
    await expect(messages.first().locator(".content br")).toHaveCount(1);
    await expect(messages.first().locator(".content")).not.toContainText("**");
  });

  await test.step("the admin pages fit a phone: the sidebar becomes a top bar", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "e2e/artifacts/admin-transcript-390.png", fullPage: true });
    const nav = await page.getByRole("navigation", { name: "Admin" }).boundingBox();
    const main = await page.locator(".admin-main").boundingBox();
    expect(nav && main).toBeTruthy();
    expect(nav!.height).toBeLessThan(200);
    expect(main!.width).toBeGreaterThan(350); // the content has the whole width
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: "e2e/artifacts/admin-transcript-1280.png" });
  });

  await test.step("export it as CSV", async () => {
    const downloadPromise = page.waitForEvent("download");
    await page.getByRole("link", { name: "CSV" }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toBe(`transcript-${sessionId}.csv`);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    expect(text.split("\r\n")[0]).toBe(
      "session_id,session_title,session_created_at,visitor_id,message_id,created_at,role,status,content",
    );
    // The question's quotes are doubled and its line break stays inside the quoted field.
    expect(text).toContain(`"${question.replaceAll('"', '""')}"`);
  });

  let apiKey = "";
  await test.step("create an API key: shown once", async () => {
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByLabel("New key name").fill(`E2E ${marker}`);
    await page.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByTestId("new-api-key");
    await expect(shown).toHaveText(/^vcak_/);
    apiKey = (await shown.textContent()) ?? "";
    await expect(page.getByTestId("api-key-row").filter({ hasText: `E2E ${marker}` })).toContainText(
      "active",
    );
  });

  await test.step("use the key over REST", async () => {
    const response = await request.get(`/api/chats/visitors/?search=${marker}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(response.status()).toBe(200);
    const body = (await response.json()) as Envelope<{ items: { id: string }[] }>;
    expect(body.data.items.map((item) => item.id)).toEqual([visitorId]);
    const transcript = await request.get(`/api/admin/sessions/${sessionId}/`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(transcript.status()).toBe(200);
  });

  await test.step("revoke the key: REST refuses it at once", async () => {
    await page.reload();
    const row = page.getByTestId("api-key-row").filter({ hasText: `E2E ${marker}` });
    await expect(row).not.toContainText("never"); // last used is recorded
    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Revoke" }).click();
    await expect(row).toContainText("revoked");
    const response = await request.get("/api/chats/visitors/", {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(response.status()).toBe(401);
    const refusal = (await response.json()) as { code: string; message: string };
    expect(refusal.code).toBe("UNAUTHORIZED");
    expect(refusal.message).toContain("revoked");
  });

  await test.step("sign out: the pages need sign-in again", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/admin\/sign-in/);
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/admin\/sign-in\?next=%2Fadmin$/);
  });
});

test("an admin exports and deletes a visitor from its page, and the audit log shows it", async ({
  page,
  request,
  allowProblems,
}) => {
  // The deleted visitor's page is a 404 on purpose.
  allowProblems(/status of 404 .*\/admin\/visitors\//);
  const marker = `erase-${Date.now().toString(36)}`;
  const { visitorId, sessionId } = await seedConversation(request, marker);

  await page.goto(`/admin/visitors/${visitorId}`);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/visitors/${visitorId}$`));

  await test.step("export all data as JSON", async () => {
    const downloadPromise = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export all data (JSON)" }).click();
    const download = await downloadPromise;
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Envelope<{
      visitor: { id: string };
      sessions: { id: string }[];
      messages: unknown[];
    }>;
    expect(body.data.visitor.id).toBe(visitorId);
    expect(body.data.sessions.map((session) => session.id)).toEqual([sessionId]);
    expect(body.data.messages.length).toBeGreaterThanOrEqual(2);
  });

  await test.step("delete it, after a confirmation", async () => {
    await page.getByRole("button", { name: "Delete visitor…" }).click();
    const confirm = page.getByRole("group", { name: "Confirm deletion" });
    await expect(confirm).toContainText("1 session");
    await confirm.getByRole("button", { name: "Yes, delete everything" }).click();
    await expect(page).toHaveURL(/\/admin\/visitors$/);
    const gone = await page.goto(`/admin/visitors/${visitorId}`);
    expect(gone?.status()).toBe(404);
    const validate = await request.get(`/api/chats/visitors/${visitorId}/validate/`);
    expect(validate.status()).toBe(404);
  });

  await test.step("the audit log lists the export and the delete", async () => {
    await page.goto("/admin/audit");
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    await page.getByLabel("Action").selectOption("visitor.deleted");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/action=visitor.deleted/);
    const row = page.locator("tbody tr").first();
    await expect(row).toContainText("visitor.deleted");
    await expect(row).toContainText(ADMIN_EMAIL);
    await expect(row).toContainText(visitorId.slice(0, 8));
    await page.goto("/admin/audit?action=visitor.exported");
    await expect(page.locator("tbody tr").first()).toContainText(ADMIN_EMAIL);
  });
});
