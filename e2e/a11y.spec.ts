/**
 * Accessibility, measured: axe-core (WCAG 2.0–2.2 A/AA and best practices) on every page — the widget empty and
 * with a streamed reply, the demo page, a help article, the sign-in page and every admin page signed in — in the
 * light and the dark colour scheme. Any serious or critical violation fails, listed with its nodes.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { completedReply, expect, openWidget, send, signInAdmin, test } from "./helpers";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help}\n` +
        violation.nodes.map((node) => `  ${node.target.join(" ")} — ${node.failureSummary ?? ""}`).join("\n"),
    );
  expect(serious, `${what}: serious or critical axe violations`).toEqual([]);
}

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`axe, ${colorScheme}`, () => {
    test.use({ colorScheme });

    test("the widget, empty and with a streamed reply (with a code block)", async ({ page }) => {
      await openWidget(page);
      await expectAccessible(page, "/widget empty");
      await send(page, "How do I embed the widget on my website?");
      await completedReply(page);
      await expectAccessible(page, "/widget with a reply");
    });

    test("the demo page and a help article", async ({ page }) => {
      await page.goto("/");
      await expectAccessible(page, "/");
      await page.goto("/help/embedding-the-widget");
      await expectAccessible(page, "/help/embedding-the-widget");
    });

    test("the sign-in page and every admin page, signed in", async ({ page, request }) => {
      test.setTimeout(120_000);
      // Something to list: a visitor with a session and a reply.
      const visitor = await request.post("/api/chats/visitors/", { data: {} });
      const visitorId = ((await visitor.json()) as { data: { id: string } }).data.id;
      const session = await request.post("/api/chats/sessions/", { data: { visitor_id: visitorId } });
      const sessionId = ((await session.json()) as { data: { id: string } }).data.id;
      await request.post("/api/chats/messages/chat/", {
        data: { session_id: sessionId, visitor_id: visitorId, message: "What is the REST API?" },
      });

      await page.goto("/admin/sign-in");
      await expectAccessible(page, "/admin/sign-in");
      await signInAdmin(page);
      for (const path of [
        "/admin",
        "/admin/visitors",
        `/admin/visitors/${visitorId}`,
        "/admin/sessions",
        `/admin/sessions/${sessionId}`,
        "/admin/api-keys",
        "/admin/settings",
      ]) {
        await page.goto(path);
        await expectAccessible(page, path);
      }
    });
  });
}
