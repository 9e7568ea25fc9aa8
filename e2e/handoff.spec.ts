/**
 * Human handoff with two people: a visitor in the widget asks for a person; an agent signed in to /admin/inbox in a
 * second browser context sees the waiting conversation arrive live, claims it and replies; the visitor sees the
 * agent's name, their typing and their message live, and the agent sees the visitor typing. No reloads.
 */
import { composer, expect, openWidget, send, test } from "./helpers";

const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "e2e-admin@example.com";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e admin password 2026";

test("a visitor asks for a person, an agent claims and replies, both see the other typing", async ({
  page,
  browser,
}) => {
  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  const marker = `handoff ${Date.now().toString(36)}`;

  await test.step("the agent signs in and opens the inbox (online)", async () => {
    await agent.goto("/admin/inbox");
    await agent.getByLabel("Email").fill(ADMIN_EMAIL);
    await agent.getByLabel("Password").fill(ADMIN_PASSWORD);
    await agent.getByRole("button", { name: "Sign in" }).click();
    await expect(agent).toHaveURL(/\/admin\/inbox$/);
    await expect(agent.getByRole("heading", { name: /Inbox/ })).toBeVisible();
  });
  const agentName = (await agent.locator(".inbox .muted strong").first().textContent()) ?? "";
  expect(agentName).not.toBe("");

  await test.step("the visitor writes, then asks for a person", async () => {
    await openWidget(page);
    await send(page, marker);
    await expect(page.locator(".vc-msg-assistant").last()).toHaveAttribute("data-state", "complete", {
      timeout: 30_000,
    });
    await page.getByRole("button", { name: "Talk to a person" }).click();
    await expect(page.getByText("Waiting for a person from our team to join…")).toBeVisible();
  });

  await test.step("the agent sees it arrive without reloading, and claims it", async () => {
    await expect(agent.getByTestId("waiting-badge")).toBeVisible();
    const item = agent
      .getByRole("navigation", { name: "Conversations" })
      .getByRole("button", { name: marker });
    await expect(item).toBeVisible();
    await item.click();
    await expect(agent.getByRole("list", { name: "Transcript" })).toContainText(marker);
    await agent.getByRole("button", { name: "Claim" }).click();
    await expect(agent.getByTestId("session-mode")).toContainText("agent");
  });

  await test.step("the visitor sees the agent's name live, and the step in both conversations", async () => {
    await expect(page.locator(".vc-handoff")).toContainText(`You are chatting with ${agentName}`);
    // The visible step (a system message), rendered from its kind on both sides.
    await expect(page.locator(".vc-msg-system")).toContainText(`${agentName} joined the conversation`);
    await expect(
      agent.getByRole("list", { name: "Transcript" }).locator('[data-role="system"]'),
    ).toContainText(`${agentName} joined the conversation`);
    await expect(page.getByTestId("ai-disclosure")).toContainText("You are chatting with an AI assistant");
  });

  await test.step("the visitor sees the agent typing, then the agent's message", async () => {
    const reply = agent.getByLabel(`Reply as ${agentName}`);
    await reply.fill("Hi, I am here");
    await expect(page.locator(".vc-agent-typing")).toContainText(`${agentName} is typing…`);
    await reply.press("Enter");
    const agentMessage = page.locator(".vc-msg-agent").last();
    await expect(agentMessage).toContainText("Hi, I am here");
    await expect(agentMessage.locator(".vc-author")).toHaveText(agentName);
  });

  await test.step("the agent sees the visitor typing, then the visitor's message — and the bot stays silent", async () => {
    await composer(page).fill("Thanks, my order");
    await expect(agent.getByTestId("visitor-typing")).toBeVisible();
    await composer(page).press("Enter");
    await expect(agent.getByRole("list", { name: "Transcript" })).toContainText("Thanks, my order");
    // One assistant reply (to the first message) and no other.
    await expect(page.locator(".vc-msg-assistant:not(.vc-greeting)")).toHaveCount(1);
    // For review: both sides of the live conversation.
    await page.screenshot({ path: "e2e/artifacts/handoff-visitor.png" });
    await agent.screenshot({ path: "e2e/artifacts/handoff-inbox.png", fullPage: true });
  });

  await agentContext.close();
});
