import { APP_ORIGIN, HOST_ORIGIN } from "../playwright.config";
import type { Page } from "@playwright/test";
import {
  bubbles,
  completedReply,
  composer,
  expect,
  readyVisitorId,
  send,
  test,
  VISITOR_KEY,
} from "./helpers";

const HOST = HOST_ORIGIN + "/";
const APP = APP_ORIGIN;

async function openChat(page: Page) {
  await page.getByRole("button", { name: "Open chat" }).click();
  const frame = page.frameLocator(`iframe[src^="${APP}/widget?embed=1"]`);
  return { frame, id: await readyVisitorId(frame) };
}

test.describe("embed on a host page of another origin", () => {
  test("launcher opens the widget; the visitor lives in the host page's storage across reloads", async ({
    page,
  }) => {
    await page.goto(HOST);
    const launcher = page.getByRole("button", { name: "Open chat" });
    await expect(launcher).toBeVisible();
    await expect(launcher).toHaveAttribute("aria-expanded", "false");
    // Nothing is loaded from the app but the script until the visitor opens the chat.
    await expect(page.locator("iframe")).toHaveCount(0);

    const { frame, id } = await openChat(page);
    await expect(frame.getByRole("heading", { name: "Shop help" })).toBeVisible();
    await expect(frame.getByText("Hello from the shop! How can we help?")).toBeVisible();
    // The host page (127.0.0.1:3211) stores the id the widget (localhost:3210) created.
    await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), VISITOR_KEY)).toBe(id);

    await send(frame, "What is the REST API?");
    await completedReply(frame);

    // Clear the iframe's own storage (if the browser gives it any: third-party storage may be blocked):
    // the id must come back from the host page.
    await page
      .frames()
      .find((f) => f.url().startsWith(APP))
      ?.evaluate(() => {
        try {
          localStorage.clear();
        } catch {
          // blocked: nothing to clear
        }
      });
    await page.reload();
    // The chat was open: it opens again after the reload, with the same visitor and history.
    const again = page.frameLocator(`iframe[src^="${APP}/widget?embed=1"]`);
    expect(await readyVisitorId(again)).toBe(id);
    await expect(bubbles(again, "user")).toHaveText(["What is the REST API?"]);

    // Close from inside the widget: focus returns to the launcher.
    await again.getByRole("button", { name: "Close chat" }).click();
    await expect(page.locator("#vc-panel")).toBeHidden();
    await expect(page.getByRole("button", { name: "Open chat" })).toBeFocused();
  });

  test("JS API: open, close, toggle; keyboard: Escape closes and focus goes back", async ({ page }) => {
    await page.goto(HOST);
    await page.waitForFunction(() => "VisitorChat" in window);
    await page.evaluate(() => (window as unknown as { VisitorChat: { open(): void } }).VisitorChat.open());
    const frame = page.frameLocator(`iframe[src^="${APP}/widget?embed=1"]`);
    await readyVisitorId(frame);
    await expect(composer(frame)).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.locator("#vc-panel")).toBeHidden();
    await expect(page.getByRole("button", { name: "Open chat" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.locator("#vc-panel")).toBeVisible();
    await page.evaluate(() =>
      (window as unknown as { VisitorChat: { toggle(): void } }).VisitorChat.toggle(),
    );
    await expect(page.locator("#vc-panel")).toBeHidden();
  });

  test("identify() metadata is sent when the visitor is created", async ({ page }) => {
    await page.goto(HOST);
    await page.waitForFunction(() => "VisitorChat" in window);
    await page.getByRole("button", { name: "Identify" }).click();
    const created = page.waitForRequest((request) => request.url().includes("visitors.create"));
    await page.getByRole("button", { name: "Open chat" }).click();
    const body = (await created).postData() ?? "";
    expect(body).toContain('"plan":"pro"');
    expect(body).toContain(`"page_url":"${HOST}"`);
  });

  test("a message from another window is ignored by the host script", async ({ page }) => {
    await page.goto(HOST);
    await page.waitForFunction(() => "VisitorChat" in window);
    await page.evaluate((key) => {
      localStorage.setItem(key, "keep-me");
      window.postMessage({ ns: "visitor-chat", type: "visitor", visitor_id: "evil" }, "*");
    }, VISITOR_KEY);
    await page.waitForTimeout(200);
    expect(await page.evaluate((key) => localStorage.getItem(key), VISITOR_KEY)).toBe("keep-me");
  });
});
