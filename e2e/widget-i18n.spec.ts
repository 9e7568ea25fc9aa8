/**
 * The widget in the visitor's language (messages/<locale>.json, namespace Widget): the browser's language
 * (Accept-Language, a context's `locale`) decides, `?locale=` (the embed's data-locale) overrides; Arabic is laid
 * out right-to-left. Expected texts are read from the catalogues, never repeated here.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { createTranslator } from "next-intl";
import { APP_ORIGIN, HOST_ORIGIN } from "../playwright.config";
import { completedReply, expect, messages, openWidget, readyVisitorId, test } from "./helpers";
import { LOCALES, type Locale } from "../src/i18n/locales";
import { embedText } from "../testing/embed-text";
import { MESSAGE_MAX_CHARS } from "../src/shared/limits";
import type english from "../messages/en.json";

type Catalogue = typeof english;

function catalogue(locale: Locale): Catalogue {
  return JSON.parse(readFileSync(path.join("messages", `${locale}.json`), "utf8")) as Catalogue;
}

/** The widget's texts in `locale`, formatted as the widget formats them (plurals, numbers). */
function widgetText(locale: Locale) {
  return createTranslator({ locale, messages: catalogue(locale), namespace: "Widget" });
}

for (const locale of LOCALES) {
  test.describe(`the widget in ${locale}`, () => {
    test.use({ locale });

    test("empty state, composer and errors read in the browser's language", async ({
      page,
      allowProblems,
    }) => {
      // The requests cut off below on purpose: the browser and tRPC's logger report them.
      allowProblems(/ERR_FAILED|Failed to fetch|<< (query|mutation|subscription) #\d+/);
      const t = widgetText(locale);
      await openWidget(page);
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expect(page.locator("html")).toHaveAttribute("dir", locale === "ar" ? "rtl" : "ltr");

      // Empty state: the stock greeting in this language, and no conversations yet.
      await expect(page.locator(".vc-greeting .vc-bubble")).toHaveText(t("defaults.greeting"));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("defaults.title"));
      await expect(page.getByText(t("sessions.empty"))).toBeVisible();

      // Composer: its label, placeholder and send button.
      const input = page.getByRole("textbox", { name: t("composer.label") });
      await expect(input).toHaveAttribute("placeholder", t("composer.placeholder"));
      const sendButton = page.getByRole("button", { name: t("composer.send"), exact: true });
      await expect(sendButton).toBeVisible();

      // Over the length limit: the counter refuses in this language and the message cannot be sent.
      await input.fill("x".repeat(MESSAGE_MAX_CHARS + 2));
      await expect(page.locator(".vc-count")).toHaveText(
        t("composer.tooLong", { over: 2, max: MESSAGE_MAX_CHARS }),
      );
      await expect(sendButton).toBeDisabled();

      // The server cannot be reached: the message waits, and the notice says so in this language.
      await page.route("**/api/trpc/**", (route) => route.abort("failed"));
      await input.fill("Hello?");
      await input.press("Enter");
      await expect(page.locator(".vc-notice")).toContainText(t("connection.cantReach"));
      await expect(page.locator(".vc-notice")).toContainText(t("connection.retrying"));
      await expect(page.getByRole("button", { name: t("connection.retryNow") })).toBeVisible();
    });
  });
}

test.describe("choosing the language", () => {
  test.use({ locale: "ar" });

  test("?locale=fr wins over an Arabic browser", async ({ page }) => {
    const t = widgetText("fr");
    await openWidget(page, "?locale=fr");
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
    await expect(page.getByRole("textbox", { name: t("composer.label") })).toHaveAttribute(
      "placeholder",
      t("composer.placeholder"),
    );
  });

  test('embed.js with data-locale="de" opens a German chat on an Arabic browser', async ({ page }) => {
    const t = widgetText("de");
    // The customer's page (e2e/host-server.ts) with data-locale="de" on its script tag: set as the parser inserts
    // the tag, before the async script runs.
    await page.addInitScript(() => {
      new MutationObserver(() => {
        const tag = document.querySelector<HTMLScriptElement>('script[src$="/embed.js"]');
        if (tag && !tag.dataset.locale) tag.dataset.locale = "de";
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${HOST_ORIGIN}/`);
    // The launcher speaks the chat's language too (its own words, in public/embed.js).
    await page.getByRole("button", { name: embedText().de?.open }).click();
    await expect(page.getByRole("button", { name: embedText().de?.close })).toBeVisible();
    const iframe = page.locator(`iframe[src^="${APP_ORIGIN}/widget?embed=1"]`);
    await expect(iframe).toHaveAttribute("src", /[?&]locale=de(&|$)/);
    const frame = page.frameLocator(`iframe[src^="${APP_ORIGIN}/widget?embed=1"]`);
    await readyVisitorId(frame);
    await expect(frame.locator("html")).toHaveAttribute("lang", "de");
    await expect(frame.getByRole("textbox", { name: t("composer.label") })).toHaveAttribute(
      "placeholder",
      t("composer.placeholder"),
    );
    await expect(frame.getByRole("button", { name: t("header.closeChat") })).toBeVisible();
  });
});

test.describe("an embed without data-locale", () => {
  test.use({ locale: "es" });

  test("passes no language: the chat follows the visitor's browser (Spanish)", async ({ page }) => {
    const t = widgetText("es");
    await page.goto(`${HOST_ORIGIN}/`);
    await page.getByRole("button", { name: embedText().es?.open }).click();
    const iframe = page.locator(`iframe[src^="${APP_ORIGIN}/widget?embed=1"]`);
    await expect(iframe).toBeAttached();
    expect(await iframe.getAttribute("src")).not.toMatch(/[?&]locale=/);
    const frame = page.frameLocator(`iframe[src^="${APP_ORIGIN}/widget?embed=1"]`);
    await readyVisitorId(frame);
    await expect(frame.locator("html")).toHaveAttribute("lang", "es");
    await expect(frame.getByRole("textbox", { name: t("composer.label") })).toHaveAttribute(
      "placeholder",
      t("composer.placeholder"),
    );
  });
});

test.describe("Arabic, right to left", () => {
  test.use({ locale: "ar", viewport: { width: 420, height: 720 } });

  test("the layout mirrors: the send button is left of the text field; a conversation, screenshot", async ({
    page,
  }) => {
    const t = widgetText("ar");
    await openWidget(page);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    const input = page.getByRole("textbox", { name: t("composer.label") });
    const sendButton = page.getByRole("button", { name: t("composer.send"), exact: true });
    const field = await input.boundingBox();
    const button = await sendButton.boundingBox();
    expect(field && button).toBeTruthy();
    if (!field || !button) return;
    expect(button.x + button.width).toBeLessThanOrEqual(field.x);

    await input.fill("كيف أضيف الدردشة إلى موقعي؟");
    await input.press("Enter");
    await completedReply(page);
    await expect(messages(page, "user").last().locator(".vc-bubble")).toHaveText(
      "كيف أضيف الدردشة إلى موقعي؟",
    );
    // Mirrored: the visitor's own messages on the left, the assistant's on the right.
    const bubble = await messages(page, "user").last().locator(".vc-bubble").boundingBox();
    const reply = await messages(page, "assistant").last().locator(".vc-bubble").boundingBox();
    expect(bubble && reply).toBeTruthy();
    if (!bubble || !reply) return;
    expect(bubble.x).toBeLessThan(reply.x);
    expect(bubble.x + bubble.width).toBeLessThan(reply.x + reply.width);
    await page.screenshot({ path: "e2e/artifacts/widget-rtl-ar.png" });
  });
});
