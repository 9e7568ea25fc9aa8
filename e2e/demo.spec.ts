import { expect, test } from "./helpers";

/**
 * The demo host page `/`, the first page a new user opens: it embeds the chat with its own script tag, under
 * the page's own CSP (a script nonce and 'strict-dynamic'). The shared fixture fails this test on any console
 * error or CSP violation, which is how the blocked embed.js showed itself.
 */
test("the demo page shows the launcher, and 'Chat with us' opens the widget", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Acme Cloud Hosting" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Open chat" })).toBeVisible();
  expect(await page.evaluate(() => typeof (window as { VisitorChat?: unknown }).VisitorChat)).toBe("object");

  await page.getByRole("button", { name: /Chat with us/ }).click();
  const frame = page.frameLocator('iframe[src*="/widget?embed=1"]');
  await expect(frame.locator(".vc-widget[data-visitor-id]")).toBeVisible();
});
