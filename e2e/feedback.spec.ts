/**
 * Feedback to knowledge gap: a visitor rates a reply down (with a comment) and rates the conversation in the
 * widget; an admin finds the question on /admin/gaps, with its transcript, writes the article from there ("Write an
 * article"), and the question asked again is answered from it, cited.
 *
 * Needs the admin created as for admin.spec.ts (E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD).
 */
import { completedReply, expect, messages, openWidget, send, test } from "./helpers";

const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "e2e-admin@example.com";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e admin password 2026";

test("a visitor rates a reply down, and the admin sees it in the knowledge gaps", async ({ page }) => {
  const marker = `zq${Date.now().toString(36)}`;
  const question = `Do you deliver parcels to Antarctica ${marker}?`;

  await test.step("rate the reply down with a comment", async () => {
    // rating_delay=1: offer the conversation rating after one idle second instead of two minutes.
    await openWidget(page, "?rating_delay=1");
    await send(page, question);
    const reply = await completedReply(page);
    const thumbs = reply.getByRole("group", { name: "Was this reply helpful?" });
    const up = thumbs.getByRole("button", { name: "Helpful", exact: true });
    const down = thumbs.getByRole("button", { name: "Not helpful" });
    await expect(up).toHaveAttribute("aria-pressed", "false");
    await up.click();
    await expect(up).toHaveAttribute("aria-pressed", "true");
    await down.click();
    await expect(down).toHaveAttribute("aria-pressed", "true");
    await expect(up).toHaveAttribute("aria-pressed", "false");
    await reply.getByLabel("What was missing or wrong? (optional)").fill(`No word on delivery ${marker}`);
    await reply.getByRole("button", { name: "Send" }).click();
    await expect(reply.getByRole("status")).toHaveText("Thanks for your feedback.");
  });

  await test.step("the rating survives a reload", async () => {
    await page.reload();
    const reply = await completedReply(page);
    await expect(reply.getByRole("button", { name: "Not helpful" })).toHaveAttribute("aria-pressed", "true");
  });

  await test.step("rate the conversation once it is idle", async () => {
    const offer = page.getByRole("region", { name: "How was this conversation?" });
    await expect(offer).toBeVisible();
    // The fourth star (a labelled radio button): clicked as a visitor clicks it.
    await offer.locator("label.vc-star").nth(3).click();
    await expect(offer.getByRole("radio", { name: "4 of 5, Very good" })).toBeChecked();
    await offer.getByRole("button", { name: "Send rating" }).click();
    await expect(offer.getByRole("status")).toHaveText("Thanks for rating this conversation.");
  });

  await test.step("the admin finds the question on /admin/gaps", async () => {
    await page.goto("/admin/gaps");
    await page.getByLabel("Email").fill(ADMIN_EMAIL);
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/admin\/gaps$/);
    const row = page.getByTestId("gap-group").filter({ hasText: marker });
    await expect(row).toHaveCount(1);
    // Unanswered by the help articles and rated down: two signals for the one question.
    await expect(row.getByTestId("gap-count")).toHaveText("2");
    await expect(row).toContainText("1 no answer, 1 thumbs down");
    await expect(row).toContainText(`No word on delivery ${marker}`);
    await expect(row.getByRole("link", { name: "Write an article" })).toHaveAttribute(
      "href",
      `/admin/knowledge/new?question=${encodeURIComponent(question)}`,
    );
    await row.locator("a.mono").first().click();
    await expect(page).toHaveURL(/\/admin\/sessions\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("message-feedback")).toHaveText("👎 not helpful");
  });

  await test.step("write the article from the gap; asked again, the reply cites it", async () => {
    await page.goto("/admin/gaps");
    const row = page.getByTestId("gap-group").filter({ hasText: marker });
    await row.getByRole("link", { name: "Write an article" }).click();
    await expect(page.getByRole("heading", { name: "New article" })).toBeVisible();
    await expect(page.getByLabel("Title")).toHaveValue(question);
    await page.getByLabel("Title").fill(`Antarctica deliveries ${marker}`);
    await page
      .getByLabel(/^Markdown/)
      .fill(`## ${question}\n\nYes: parcels ${marker} go to the Antarctic research stations once a month.`);
    await page.getByRole("button", { name: "Create article" }).click();
    await expect(page).toHaveURL(/\/admin\/knowledge\/[0-9a-f-]{36}$/);
    // Searched within seconds (KNOWLEDGE_REFRESH_SECONDS): ask until the reply cites it.
    await expect
      .poll(
        async () => {
          await openWidget(page);
          await page.getByRole("button", { name: "New conversation" }).first().click();
          await send(page, question);
          const reply = await completedReply(page);
          return (await reply.getByRole("navigation", { name: "Sources" }).getByRole("link").count()) > 0
            ? await reply
                .getByRole("navigation", { name: "Sources" })
                .getByRole("link")
                .first()
                .getAttribute("href")
            : "";
        },
        { timeout: 30_000, intervals: [2_000] },
      )
      .toMatch(/^\/help\/antarctica-deliveries-/);
    await expect(messages(page, "assistant").last()).toContainText("Antarctic research stations");
  });

  await test.step("the dashboard counts it", async () => {
    await page.goto("/admin");
    await expect(page.getByTestId("total-rating-average")).not.toHaveText("—");
    await expect(page.getByRole("table", { name: "Answer quality per day" })).toBeVisible();
  });
});
