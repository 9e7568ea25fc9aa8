/**
 * The widget details users of other chat widgets expect: one "new conversation" control, code blocks that scroll
 * (reachable by keyboard) with a copy button, copy on replies, the conversation list grouped by day, a rename field
 * wide enough to read the title.
 */
import { completedReply, expect, openWidget, send, sessionList, showConversations, test } from "./helpers";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("one new-conversation control, copy on code and replies, list grouped by day, a wide rename field", async ({
  page,
}) => {
  await openWidget(page);
  await expect(page.getByRole("button", { name: "New conversation" })).toHaveCount(1);

  await send(page, "How do I add the script tag for the widget?");
  const reply = await completedReply(page);

  await test.step("a code block scrolls, takes keyboard focus, and copies its code", async () => {
    const code = reply.locator(".vc-code pre").first();
    await expect(code).toBeVisible();
    await expect(code).toHaveAttribute("tabindex", "0");
    await expect(code).toHaveCSS("overflow-x", "auto");
    await reply.getByRole("button", { name: "Copy code" }).first().click();
    await expect(reply.getByRole("button", { name: "Copied" }).first()).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain("<script");
    expect(copied.trim()).toBe((await code.innerText()).trim());
  });

  await test.step("a reply copies as a whole", async () => {
    await reply.getByRole("button", { name: "Copy message" }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain("embed.js");
    expect(copied.length).toBeGreaterThan(100);
  });

  await test.step("the list groups conversations under Today; the rename field takes the row", async () => {
    await showConversations(page);
    const list = page.getByRole("navigation", { name: "Conversations" });
    await expect(list.getByRole("heading", { name: "Today" })).toBeVisible();
    const row = sessionList(page).first();
    const rowWidth = (await row.boundingBox())?.width ?? 0;
    await row.getByRole("button", { name: /^Rename / }).click();
    const field = list.getByRole("textbox", { name: /^New name for / });
    await expect(field).toBeFocused();
    const fieldWidth = (await field.boundingBox())?.width ?? 0;
    expect(fieldWidth).toBeGreaterThan(rowWidth * 0.8);
  });
});
