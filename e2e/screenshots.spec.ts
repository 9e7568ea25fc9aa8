import { HOST_ORIGIN } from "../playwright.config";
import { LONG_QUESTION, completedReply, expect, openWidget, send, test, watchProblems } from "./helpers";

/** Screenshots of the widget for review: e2e/artifacts/widget-{desktop,mobile}-{light,dark}.png and more. */
const ARTIFACTS = "e2e/artifacts";

for (const scheme of ["light", "dark"] as const) {
  test(`screenshots, ${scheme}`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1200, height: 800 } });
    const problems = await watchProblems(context);
    const page = await context.newPage();
    await openWidget(page, "?title=Acme%20support");
    await send(page, LONG_QUESTION);
    await completedReply(page);
    await page.getByRole("button", { name: "New conversation" }).click();
    await send(page, "Is my data private?");
    await completedReply(page);
    await page.getByRole("navigation", { name: "Conversations" }).locator(".vc-session-open").last().click();
    await expect(page.locator(".vc-bubble pre code").first()).toBeVisible();
    await page.screenshot({ path: `${ARTIFACTS}/widget-desktop-${scheme}.png` });

    await page.setViewportSize({ width: 375, height: 740 });
    await page.reload();
    await expect(page.locator(".vc-msg-assistant[data-state=complete] strong").first()).toBeVisible();
    await page.screenshot({ path: `${ARTIFACTS}/widget-mobile-${scheme}.png` });
    await page.getByRole("button", { name: "Conversations" }).click();
    await page.screenshot({ path: `${ARTIFACTS}/widget-mobile-list-${scheme}.png` });

    await page.setViewportSize({ width: 320, height: 640 });
    await page.getByRole("button", { name: "Conversations" }).click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await page.screenshot({ path: `${ARTIFACTS}/widget-320-${scheme}.png` });

    await page.setViewportSize({ width: 1200, height: 800 });
    await page.goto(HOST_ORIGIN + "/");
    await page.getByRole("button", { name: "Open chat" }).click();
    await expect(page.frameLocator("iframe").locator(".vc-widget[data-visitor-id]")).toBeVisible();
    await page.screenshot({ path: `${ARTIFACTS}/embed-host-${scheme}.png` });
    await context.close();
    expect(problems, "console errors or CSP violations on the page").toEqual([]);
  });
}
