/**
 * The visitor's context (issue 26, item 8): a visitor on the customer's site (e2e/host-server.ts, another origin)
 * opens the widget and asks for a person; the agent opens the conversation in the inbox and sees the page the
 * visitor is on; the site navigates with history.pushState and the inbox's context panel shows the new page's
 * title, live. Screenshots of the panel at 1280 and 390 px (test-results/, for review).
 */
import { HOST_ORIGIN } from "../playwright.config";
import { completedReply, expect, readyVisitorId, send, signInAdmin, test } from "./helpers";

test("the inbox shows the page the visitor is on, and follows a single-page navigation", async ({
  page,
  browser,
}) => {
  const marker = `context ${Date.now().toString(36)}`;
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const agent = await agentContext.newPage();
  await signInAdmin(agent, "/admin/inbox");

  await page.goto(`${HOST_ORIGIN}/`);
  await page.getByRole("button", { name: "Open chat" }).click();
  const frame = page.frameLocator('iframe[src*="/widget?embed=1"]');
  await readyVisitorId(frame);
  await send(frame, marker);
  await completedReply(frame);
  await frame.getByRole("button", { name: "Talk to a person" }).click();

  const item = agent.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: marker });
  await item.click();
  const panel = agent.getByTestId("visitor-context");
  await expect(panel.getByTestId("context-page")).toHaveText("Host page on another origin");
  await expect(panel.getByTestId("context-page")).toHaveAttribute("href", `${HOST_ORIGIN}/`);
  await expect(panel.getByTestId("context-browser")).toContainText(/Chrom|Firefox|Safari|WebKit/);
  await expect(panel.getByTestId("context-local-time")).toBeVisible();
  await expect(panel.getByTestId("context-user")).toHaveAttribute("data-verified", "false");

  // The site navigates without a reload: the panel follows (the fragment is not stored).
  // (The site's own button, under the open chat window on this small page: clicked through the DOM.)
  await page.locator("#pricing").dispatchEvent("click");
  await expect(panel.getByTestId("context-page")).toHaveText("Pricing — Example shop");
  await expect(panel.getByTestId("context-page")).toHaveAttribute("href", `${HOST_ORIGIN}/pricing?plan=team`);
  await expect(panel.getByText("2 pages visited")).toBeVisible();

  await panel.screenshot({ path: "test-results/visitor-context-1280.png" });
  await agent.setViewportSize({ width: 390, height: 844 });
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: "test-results/visitor-context-390.png" });
  await agent.screenshot({ path: "test-results/visitor-context-inbox-390.png", fullPage: true });
  await agentContext.close();
});
