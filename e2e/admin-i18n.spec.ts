/**
 * The admin pages in the admin's language: German, French, Spanish and Arabic browsers (Accept-Language, the
 * context's `locale`) get the sign-in page, the nav, the dashboard and the sessions list in their language, with
 * times in its format; the language menu switches an English browser to German for good (a cookie); Arabic
 * pages run right to left with the sidebar on the right. Expected words are read from messages/<locale>.json.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import type english from "../messages/en.json";
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, test } from "./helpers";

type Catalogue = typeof english;

function catalogue(locale: string): Catalogue {
  return JSON.parse(readFileSync(path.resolve("messages", `${locale}.json`), "utf8")) as Catalogue;
}

interface Envelope<T> {
  data: T;
}

/** A visitor with one session and one exchange, made the way the widget makes them. */
async function seedSession(request: APIRequestContext): Promise<string> {
  const visitor = await request.post("/api/chats/visitors/", { data: { metadata: { plan: "i18n" } } });
  expect(visitor.status()).toBe(201);
  const visitorId = ((await visitor.json()) as Envelope<{ id: string }>).data.id;
  const session = await request.post("/api/chats/sessions/", { data: { visitor_id: visitorId } });
  const sessionId = ((await session.json()) as Envelope<{ id: string }>).data.id;
  const chat = await request.post("/api/chats/messages/chat/", {
    data: { session_id: sessionId, visitor_id: visitorId, message: "Hallo, wie bette ich das Widget ein?" },
  });
  expect(chat.ok()).toBe(true);
  return sessionId;
}

/** Signs in through the sign-in form as it reads in `m`'s language. */
async function signIn(page: Page, m: Catalogue): Promise<void> {
  await page.goto("/admin/sign-in?next=%2Fadmin");
  await expect(page.getByRole("heading", { level: 1, name: m.AdminSignIn.heading })).toBeVisible();
  await expect(page).toHaveTitle(new RegExp(`^${m.AdminSignIn.title}`));
  await page.getByLabel(m.AdminSignIn.email, { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel(m.AdminSignIn.password, { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: m.AdminSignIn.submit, exact: true }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

for (const locale of ["de", "fr", "es", "ar"] as const) {
  test.describe(`admin pages in ${locale}`, () => {
    test.use({ locale });
    const m = catalogue(locale);

    test(`nav, dashboard and sessions read in ${locale}`, async ({ page, request }) => {
      const sessionId = await seedSession(request);
      await signIn(page, m);

      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expect(page.locator("html")).toHaveAttribute("dir", locale === "ar" ? "rtl" : "ltr");
      const nav = page.getByRole("navigation", { name: m.AdminNav.label, exact: true });
      for (const key of ["dashboard", "inbox", "visitors", "sessions", "apiKeys", "audit"] as const) {
        await expect(nav.getByRole("link", { name: m.AdminNav[key], exact: true })).toBeVisible();
      }
      await expect(nav.getByRole("button", { name: m.AdminNav.signOut, exact: true })).toBeVisible();
      await expect(nav.getByLabel(m.AdminLanguage.label, { exact: true })).toHaveValue(locale);

      await expect(page.getByRole("heading", { level: 1, name: m.AdminDashboard.heading })).toBeVisible();
      await expect(page).toHaveTitle(new RegExp(`^${m.AdminDashboard.title}`));
      await expect(page.getByRole("region", { name: m.AdminDashboard.totals, exact: true })).toContainText(
        m.AdminDashboard.failedReplies,
      );
      await expect(
        page.getByRole("heading", { level: 2, name: m.AdminDashboard.sessionsHeading }),
      ).toBeVisible();

      await nav.getByRole("link", { name: m.AdminNav.sessions, exact: true }).click();
      await expect(page).toHaveURL(/\/admin\/sessions$/);
      await expect(page.getByRole("heading", { level: 1, name: m.AdminSessions.heading })).toBeVisible();
      const columns = m.AdminSessions.columns;
      await expect(page.locator("thead th")).toHaveText([
        columns.title,
        columns.visitor,
        columns.messages,
        columns.failed,
        columns.started,
        columns.lastActivity,
      ]);
      await expect(page.getByRole("button", { name: m.AdminCommon.filter, exact: true })).toBeVisible();
      // Times in the page's language: today's month by its name in that language, not "2026-11-26 04:20".
      const row = page
        .locator("tbody tr")
        .filter({ has: page.locator(`a[href="/admin/sessions/${sessionId}"]`) });
      const month = new Intl.DateTimeFormat(locale, { month: "short", timeZone: "UTC" }).format(new Date());
      await expect(row.locator("td").nth(4)).toContainText(month);
      await expect(row.locator("td").nth(4)).not.toContainText(/\d{4}-\d{2}-\d{2}/);

      await row.locator(`a[href="/admin/sessions/${sessionId}"]`).click();
      await expect(page.getByRole("link", { name: m.AdminSessions.transcript.back })).toBeVisible();
      const transcript = page.getByRole("region", { name: m.AdminSessions.transcript.label, exact: true });
      await expect(transcript.locator("article").first()).toContainText(m.AdminSessions.transcript.visitor);
      await expect(transcript.locator("article .badge").first()).toHaveText(
        m.AdminSessions.transcript.status.complete,
      );
    });
  });
}

test.describe("the language menu", () => {
  test.use({ locale: "en-US" });

  test("switches an English browser to German, and the choice sticks", async ({ page, context }) => {
    const en = catalogue("en");
    const de = catalogue("de");
    await signIn(page, en);
    await expect(page.getByRole("heading", { level: 1, name: en.AdminDashboard.heading })).toBeVisible();

    await page.getByLabel(en.AdminLanguage.label, { exact: true }).selectOption({ label: "Deutsch" });
    await expect(page.getByRole("heading", { level: 1, name: de.AdminDashboard.heading })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page.getByRole("navigation", { name: de.AdminNav.label, exact: true })).toBeVisible();
    const cookie = (await context.cookies()).find((c) => c.name === "visitor_chat_locale");
    expect(cookie).toMatchObject({ value: "de", path: "/admin", sameSite: "Lax" });
    expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(360 * 24 * 60 * 60 * 1000);

    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: de.AdminDashboard.heading })).toBeVisible();
    await expect(page.getByLabel(de.AdminLanguage.label, { exact: true })).toHaveValue("de");

    // Back to English (the menu lists every language by its own name).
    await page.getByLabel(de.AdminLanguage.label, { exact: true }).selectOption({ label: "English" });
    await expect(page.getByRole("heading", { level: 1, name: en.AdminDashboard.heading })).toBeVisible();
  });

  test("on the sign-in page, before signing in", async ({ page }) => {
    const fr = catalogue("fr");
    await page.goto("/admin/sign-in");
    await page.getByLabel(catalogue("en").AdminLanguage.label, { exact: true }).selectOption("fr");
    await expect(page.getByRole("heading", { level: 1, name: fr.AdminSignIn.heading })).toBeVisible();
    await page.getByLabel(fr.AdminLanguage.label, { exact: true }).selectOption("en");
    await expect(
      page.getByRole("heading", { level: 1, name: catalogue("en").AdminSignIn.heading }),
    ).toBeVisible();
  });
});

test.describe("Arabic, right to left", () => {
  test.use({ locale: "ar", viewport: { width: 1280, height: 900 } });

  test("the sidebar is on the right and text starts at the right", async ({ page }) => {
    const ar = catalogue("ar");
    await signIn(page, ar);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    const nav = await page.getByRole("navigation", { name: ar.AdminNav.label, exact: true }).boundingBox();
    const main = await page.locator(".admin-main").boundingBox();
    expect(nav && main).toBeTruthy();
    expect(nav!.x).toBeGreaterThanOrEqual(main!.x + main!.width - 1);
    expect(nav!.x + nav!.width).toBeGreaterThan(1270);
    // The heading starts at the right edge of the content, not the left.
    const heading = await page
      .getByRole("heading", { level: 1, name: ar.AdminDashboard.heading })
      .boundingBox();
    const range = await page
      .getByRole("heading", { level: 1, name: ar.AdminDashboard.heading })
      .evaluate((element) => {
        const text = document.createRange();
        text.selectNodeContents(element);
        const box = text.getBoundingClientRect();
        return { left: box.left, right: box.right };
      });
    expect(heading).toBeTruthy();
    expect(heading!.x + heading!.width - range.right).toBeLessThan(2);
    expect(range.left - heading!.x).toBeGreaterThan(100);
    await page.screenshot({ path: "e2e/artifacts/admin-rtl-ar.png", fullPage: true });

    // A phone: the sidebar becomes a top bar, still right to left, and nothing overflows sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    const brand = await page.locator(".admin-nav .brand").boundingBox();
    expect(brand!.x + brand!.width).toBeGreaterThan(300);
    await page.screenshot({ path: "e2e/artifacts/admin-rtl-ar-390.png", fullPage: true });
  });
});
