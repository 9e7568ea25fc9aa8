/**
 * The knowledge base as an admin uses it: write an article for a visitor's unanswered question (the editor opened
 * pre-filled from /admin/knowledge/new?question=…, as the gaps report links it), see the preview, save, then ask
 * in the widget and get the new article cited as a source link.
 */
import { expect, test, completedReply, openWidget, send } from "./helpers";

const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "e2e-admin@example.com";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e admin password 2026";

test("an admin writes an article for a question, and the widget then cites it", async ({ page, request }) => {
  const marker = Date.now().toString(36);
  const question = `Do you repair bicycles ${marker}?`;

  await test.step("sign in to the pre-filled editor", async () => {
    await page.goto(`/admin/knowledge/new?question=${encodeURIComponent(question)}`);
    await expect(page).toHaveURL(/\/admin\/sign-in\?next=/);
    await page.getByLabel("Email").fill(ADMIN_EMAIL);
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "New article" })).toBeVisible();
    await expect(page.getByLabel("Title")).toHaveValue(question);
  });

  await test.step("write the answer, with a sanitized preview, and save", async () => {
    await page.getByLabel("Title").fill(`Bicycle repairs ${marker}`);
    await page
      .getByLabel(/^Markdown/)
      .fill(
        `## ${question}\n\nYes: our workshop repairs bicycles ${marker} of every brand within two days. <img src=x onerror=alert(1)>`,
      );
    const preview = page.getByRole("region", { name: "Preview" });
    await expect(preview.getByRole("heading", { name: question })).toBeVisible();
    await expect(preview.locator("img")).toHaveCount(0);
    await page.getByRole("button", { name: "Create article" }).click();
    await expect(page).toHaveURL(/\/admin\/knowledge\/[0-9a-f-]{36}$/);
    await expect(page.getByText(/Published at/)).toBeVisible();
  });

  await test.step("the article is searched within seconds", async () => {
    await expect
      .poll(
        async () => {
          const visitor = await request.post("/api/chats/visitors/", { data: {} });
          const visitorId = ((await visitor.json()) as { data: { id: string } }).data.id;
          const session = await request.post("/api/chats/sessions/", { data: { visitor_id: visitorId } });
          const sessionId = ((await session.json()) as { data: { id: string } }).data.id;
          const chat = await request.post("/api/chats/messages/chat/", {
            data: { visitor_id: visitorId, session_id: sessionId, message: question },
          });
          const body = (await chat.json()) as { data: { assistant_message: { sources: { url: string }[] } } };
          return body.data.assistant_message.sources[0]?.url ?? "";
        },
        { timeout: 15_000 },
      )
      .toMatch(/^\/help\/bicycle-repairs-/);
  });

  await test.step("ask in the widget: the reply cites the new article", async () => {
    await openWidget(page);
    await send(page, question);
    const reply = await completedReply(page);
    await expect(reply).toContainText("our workshop repairs bicycles");
    const source = reply.getByRole("navigation", { name: "Sources" }).getByRole("link").first();
    await expect(source).toHaveAttribute("href", /\/help\/bicycle-repairs-.*#do-you-repair-bicycles/);
  });
});
