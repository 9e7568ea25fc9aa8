/**
 * The admin's working pages (inbox, knowledge base, gaps, webhooks, widget settings) in the admin's language:
 * with the browser asking for German or Arabic (Accept-Language), each page's heading and key labels read as the
 * catalogue (messages/<locale>.json) says, and Arabic lays out right to left. In Arabic, a visitor asks for a
 * person while the agent's inbox is open: the waiting conversation, its mode and the title's count are Arabic,
 * and a screenshot of that inbox is kept (e2e/artifacts/admin-inbox-rtl-ar.png).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import type en from "../messages/en.json";
import { LOCALE_COOKIE } from "../src/i18n/locales";
import { APP_ORIGIN } from "../playwright.config";
import { expect, openWidget, send, signInAdmin, test } from "./helpers";

type Catalogue = typeof en;

function catalogue(locale: string): Catalogue {
  return JSON.parse(readFileSync(path.join("messages", `${locale}.json`), "utf8")) as Catalogue;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Signs in through the sign-in page in English (the language cookie, an admin's own choice, wins over the
 * browser's languages), then drops the cookie so every page after it follows the browser's languages again. The
 * sign-in page is another engineer's area: this keeps these tests about the pages after it.
 */
async function signIn(page: Page, next: string): Promise<void> {
  await page.context().addCookies([{ name: LOCALE_COOKIE, value: "en", url: APP_ORIGIN }]);
  await signInAdmin(page, next);
  await page.context().clearCookies({ name: LOCALE_COOKIE });
  // A full load: the page after sign-in was rendered in English.
  await page.goto(next);
}

for (const locale of ["de", "ar"] as const) {
  test.describe(`admin working pages in ${locale}`, () => {
    test.use({ locale });
    const m = catalogue(locale);

    test("inbox, knowledge base, gaps, webhooks and settings speak the browser's language", async ({
      page,
    }) => {
      await signIn(page, "/admin/inbox");
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expect(page.locator("html")).toHaveAttribute("dir", locale === "ar" ? "rtl" : "ltr");

      await test.step("inbox", async () => {
        await expect(
          page.getByRole("heading", { level: 1, name: new RegExp(`^${escape(m.AdminInbox.heading)}`) }),
        ).toBeVisible();
        await expect(page.getByRole("navigation", { name: m.AdminInbox.conversations })).toBeVisible();
        await expect(page.getByRole("region", { name: m.AdminInbox.conversation })).toContainText(
          m.AdminInbox.pickConversation,
        );
        await expect(page).toHaveTitle(new RegExp(`^${escape(m.AdminInbox.metaTitle)}`));
      });

      await test.step("knowledge base", async () => {
        await page.goto("/admin/knowledge");
        await expect(page.getByRole("heading", { level: 1, name: m.AdminKnowledge.heading })).toBeVisible();
        await expect(
          page.getByRole("button", { name: m.AdminKnowledge.searchButton, exact: true }),
        ).toBeVisible();
        await expect(
          page.getByRole("columnheader", { name: m.AdminKnowledge.columns.title, exact: true }),
        ).toBeVisible();
        await expect(page.getByText(m.AdminKnowledge.import.summary)).toBeVisible();
        // The shipped articles' source, as a label in the page's language (not the stored "file").
        await expect(page.getByRole("cell", { name: m.AdminKnowledge.sources.file }).first()).toBeVisible();
      });

      await test.step("knowledge gaps", async () => {
        await page.goto("/admin/gaps");
        await expect(page.getByRole("heading", { level: 1, name: m.AdminGaps.heading })).toBeVisible();
        await expect(page.getByRole("button", { name: m.AdminGaps.show, exact: true })).toBeVisible();
        await expect(page.getByText(m.AdminGaps.intro)).toBeVisible();
      });

      await test.step("webhooks", async () => {
        await page.goto("/admin/webhooks");
        await expect(page.getByRole("heading", { level: 1, name: m.AdminWebhooks.heading })).toBeVisible();
        await expect(page.getByLabel(m.AdminWebhooks.endpointUrl)).toBeVisible();
        await expect(page.getByRole("button", { name: m.AdminWebhooks.register })).toBeVisible();
        // The event's description next to its (untranslated) name.
        await expect(page.getByLabel("session.handoff_requested")).toBeVisible();
        await expect(page.getByText(m.AdminWebhooks.eventTypes.sessionHandoffRequested)).toBeVisible();
        if (locale === "ar") await page.screenshot({ path: "e2e/artifacts/admin-webhooks-rtl-ar.png" });
      });

      await test.step("widget settings", async () => {
        await page.goto("/admin/settings");
        await expect(page.getByRole("heading", { level: 1, name: m.AdminSettings.heading })).toBeVisible();
        // The default title (the per-language section below has a second "Title" field).
        await expect(page.getByLabel(m.AdminSettings.title, { exact: true }).first()).toBeVisible();
        await expect(page.getByRole("button", { name: m.AdminSettings.save })).toBeVisible();
        await page.getByLabel(m.AdminSettings.showAway).check();
        // Weekday names come from Intl in the page's language.
        const monday = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(
          new Date(Date.UTC(2024, 0, 1)),
        );
        const dayLabel = m.AdminSettings.rangeDay.slice(0, m.AdminSettings.rangeDay.indexOf("{"));
        const day = page.getByRole("combobox", { name: new RegExp(`^${escape(dayLabel)}`) }).first();
        await expect(day.locator("option[value=mon]")).toHaveText(monday);
        if (locale === "ar")
          await page.screenshot({ path: "e2e/artifacts/admin-settings-rtl-ar.png", fullPage: true });
      });
    });
  });
}

test.describe("the inbox in Arabic", () => {
  test.use({ locale: "ar" });
  const m = catalogue("ar");

  test("a waiting conversation in the right-to-left inbox", async ({ page, browser }) => {
    const marker = `rtl ${Date.now().toString(36)}`;
    await signIn(page, "/admin/inbox");
    await expect(
      page.getByRole("heading", { level: 1, name: new RegExp(`^${escape(m.AdminInbox.heading)}`) }),
    ).toBeVisible();

    const visitorContext = await browser.newContext({ locale: "en-US" });
    try {
      const visitor = await visitorContext.newPage();
      await openWidget(visitor);
      await send(visitor, marker);
      await expect(visitor.locator(".vc-msg-assistant").last()).toHaveAttribute("data-state", "complete", {
        timeout: 30_000,
      });
      await visitor.getByRole("button", { name: "Talk to a person" }).click();
      await expect(visitor.getByText("Waiting for a person from our team to join…")).toBeVisible();
    } finally {
      await visitorContext.close();
    }

    const item = page
      .getByRole("navigation", { name: m.AdminInbox.conversations })
      .getByRole("button", { name: marker });
    await expect(item).toBeVisible();
    await expect(page.getByTestId("waiting-badge")).toBeVisible();
    // New since the agent last looked: the count in front of the page's (Arabic) title.
    await expect(page).toHaveTitle(new RegExp(`^\\(.+\\) ${escape(m.AdminInbox.metaTitle)}`));

    await item.click();
    await expect(page.getByRole("list", { name: m.AdminInbox.transcript })).toContainText(marker);
    await expect(page.getByTestId("session-mode")).toContainText(m.AdminInbox.modes.waiting);
    await expect(page.getByRole("button", { name: m.AdminInbox.claim })).toBeVisible();
    await expect(page).toHaveTitle(new RegExp(`^${escape(m.AdminInbox.metaTitle)}`));

    // Right to left: the conversation list is on the right of the open conversation, its text starts at the right.
    const list = await page.getByRole("navigation", { name: m.AdminInbox.conversations }).boundingBox();
    const open = await page.getByRole("region", { name: m.AdminInbox.conversation }).boundingBox();
    expect(list && open && list.x > open.x).toBe(true);
    await expect(item).toHaveCSS("text-align", "start");

    await page.screenshot({ path: "e2e/artifacts/admin-inbox-rtl-ar.png", fullPage: true });
  });
});
