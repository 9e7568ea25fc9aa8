/**
 * Accessibility, measured: axe-core (WCAG 2.0–2.2 A/AA and best practices) on every page — the widget empty and
 * with a streamed reply, the sign-in page and every admin page signed in — in every language the app speaks
 * (src/i18n/locales.ts; Arabic right-to-left) — in the light and the dark colour scheme in English and Arabic, the
 * light one in the others (SCHEMES_BY_LOCALE); the demo page and a help article (English only) once, in both. Any serious or critical violation fails, listed with its nodes.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { LOCALES, LOCALE_COOKIE } from "../src/i18n/locales";
import { completedReply, expect, readyVisitorId, signInAdmin, test } from "./helpers";

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

/**
 * Colour schemes checked per language: both in English and Arabic (left-to-right and right-to-left), the light
 * one in German, French and Spanish — colours and contrast do not change with the language, text length and
 * direction do (the whole matrix took 8.5 of the browser tests' 16 minutes).
 */
const SCHEMES_BY_LOCALE: Record<string, readonly ("light" | "dark")[]> = {
  en: ["light", "dark"],
  ar: ["light", "dark"],
};

/** The page in the colour schemes checked for its language (both for the pages in English only). */
async function expectAccessibleInSchemes(page: Page, what: string, locale = "en") {
  for (const colorScheme of SCHEMES_BY_LOCALE[locale] ?? (["light"] as const)) {
    await page.emulateMedia({ colorScheme });
    await expectAccessible(page, `${what} (${colorScheme})`);
  }
}

test("the demo page and a help article", async ({ page }) => {
  await page.goto("/");
  await expectAccessibleInSchemes(page, "/");
  await page.goto("/help/embedding-the-widget");
  await expectAccessibleInSchemes(page, "/help/embedding-the-widget");
});

for (const locale of LOCALES) {
  test.describe(`axe, ${locale}`, () => {
    test.use({ locale });

    test("the widget, empty and with a streamed reply (with a code block)", async ({ page }) => {
      await page.goto("/widget");
      await readyVisitorId(page);
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expectAccessibleInSchemes(page, `/widget empty, ${locale}`, locale);
      // The composer by its place, not its (translated) name.
      await page.locator(".vc-composer textarea").fill("How do I add the script tag for the widget?");
      await page.locator(".vc-composer textarea").press("Enter");
      await completedReply(page);
      await expectAccessibleInSchemes(page, `/widget with a reply, ${locale}`, locale);
    });

    test("the sign-in page and every admin page, signed in", async ({ page, request, context, baseURL }) => {
      test.setTimeout(180_000);
      // Something to list: a visitor with a session and a reply.
      const visitor = await request.post("/api/chats/visitors/", { data: {} });
      const visitorId = ((await visitor.json()) as { data: { id: string } }).data.id;
      const session = await request.post("/api/chats/sessions/", { data: { visitor_id: visitorId } });
      const sessionId = ((await session.json()) as { data: { id: string } }).data.id;
      await request.post("/api/chats/messages/chat/", {
        data: { session_id: sessionId, visitor_id: visitorId, message: "What is the REST API?" },
      });

      await page.goto("/admin/sign-in");
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expectAccessibleInSchemes(page, `/admin/sign-in, ${locale}`, locale);
      // Signed in through the English form (the helper finds its fields by their English labels), then the
      // admin's language menu choice (its cookie) is the locale under test.
      const host = new URL(baseURL ?? "http://127.0.0.1").hostname;
      const cookie = (value: string) => ({ name: LOCALE_COOKIE, value, domain: host, path: "/" });
      await context.addCookies([cookie("en")]);
      await page.emulateMedia({ colorScheme: "light" });
      await signInAdmin(page);
      await context.addCookies([cookie(locale)]);
      for (const path of [
        "/admin",
        "/admin/inbox",
        "/admin/visitors",
        `/admin/visitors/${visitorId}`,
        "/admin/sessions",
        `/admin/sessions/${sessionId}`,
        "/admin/knowledge",
        "/admin/knowledge/new",
        "/admin/gaps",
        "/admin/api-keys",
        "/admin/audit",
        "/admin/settings",
        "/admin/webhooks",
        "/admin/profile",
        "/admin/knowledge/tests",
      ]) {
        await page.goto(path);
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        await expectAccessibleInSchemes(page, `${path}, ${locale}`, locale);
      }
    });
  });
}
