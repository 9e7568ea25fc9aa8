import { APP_ORIGIN, HOST_ORIGIN } from "../playwright.config";
import {
  bubbles,
  completedReply,
  expect,
  openWidget,
  readyVisitorId,
  send,
  test,
  VISITOR_KEY,
} from "./helpers";

const APP = APP_ORIGIN;

test.describe("privacy: visitors' own data", () => {
  test("a visitor deletes their conversations and starts fresh as a new visitor", async ({
    page,
    request,
  }) => {
    const id = await openWidget(page);
    await send(page, "Please forget me");
    await completedReply(page);

    await page.getByRole("button", { name: "More", exact: true }).click();
    await page.getByRole("menuitem", { name: "Delete my conversations" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Delete all your conversations?" });
    await expect(dialog).toBeVisible();
    // Cancel keeps everything.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(bubbles(page, "user")).toHaveText(["Please forget me"]);

    await page.getByRole("button", { name: "More", exact: true }).click();
    await page.getByRole("menuitem", { name: "Delete my conversations" }).click();
    await page.getByRole("button", { name: "Delete everything" }).click();

    await expect(page.locator(".vc-widget[data-visitor-id]")).not.toHaveAttribute("data-visitor-id", id);
    const fresh = await readyVisitorId(page);
    expect(fresh).not.toBe(id);
    await expect(bubbles(page, "user")).toHaveCount(0);
    expect(await page.evaluate((key) => localStorage.getItem(key), VISITOR_KEY)).toBe(fresh);
    // The old visitor is gone on the server.
    const old = await request.get(`${APP}/api/chats/visitors/${id}/validate/`);
    expect(old.status()).toBe(404);
    // And the page keeps the new visitor across a reload.
    await page.reload();
    expect(await readyVisitorId(page)).toBe(fresh);
  });

  test("an identified user sees their conversation in a second browser", async ({ browser, page }) => {
    const user = `shopper-${Date.now()}`;
    const account = `${HOST_ORIGIN}/account?user=${encodeURIComponent(user)}`;

    await page.goto(account);
    await page.getByRole("button", { name: "Open chat" }).click();
    const frame = page.frameLocator(`iframe[src^="${APP}/widget?embed=1"]`);
    const first = await readyVisitorId(frame);
    await send(frame, "Where is my order 1234?");
    await completedReply(frame);

    // Another browser (no shared storage): the same user signs in on the site.
    const other = await browser.newContext();
    try {
      const second = await other.newPage();
      await second.goto(account);
      await second.getByRole("button", { name: "Open chat" }).click();
      const secondFrame = second.frameLocator(`iframe[src^="${APP}/widget?embed=1"]`);
      await expect(secondFrame.locator(".vc-widget[data-visitor-id]")).toHaveAttribute(
        "data-visitor-id",
        first,
      );
      await expect(bubbles(secondFrame, "user")).toHaveText(["Where is my order 1234?"]);
      // The host page of the second browser now stores the user's visitor.
      await expect.poll(() => second.evaluate((key) => localStorage.getItem(key), VISITOR_KEY)).toBe(first);
    } finally {
      await other.close();
    }
  });
});
