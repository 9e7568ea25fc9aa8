/**
 * Issue 25's remainder, end to end against the e2e app's real SMTP receiver (e2e/start-app.ts): the visitor asks
 * for a transcript in the widget → an agent claims and closes the conversation → ONE transcript email arrives with
 * the conversation, the step "closed" and the link back. And the admin's profile page, opened from the top bar:
 * who they are, the alert-emails switch, a password change refused for a wrong current password.
 */
import { mailsTo } from "./mailbox";
import { completedReply, expect, openWidget, send, signInAdmin, test } from "./helpers";

test("a transcript asked for in the widget arrives by email once the agent closes the conversation", async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  const marker = Date.now().toString(36);
  const visitorEmail = `transcript-${marker}@example.org`;
  const question = `Can I change the size of order ${marker}?`;

  const visitorId = await openWidget(page);
  await send(page, question);
  await completedReply(page);
  const sessions = await page.request.get(`/api/chats/sessions/?visitor_id=${visitorId}`);
  const sessionId = ((await sessions.json()) as { data: { items: { id: string }[] } }).data.items[0]!.id;

  await test.step("the visitor asks for a person, leaves an email, and asks for a transcript", async () => {
    await expect
      .poll(
        async () => {
          const state = await page.request.get(
            `/api/chats/sessions/${sessionId}/handoff?visitor_id=${visitorId}`,
          );
          return ((await state.json()) as { data: { agents_online: number } }).data.agents_online;
        },
        { timeout: 60_000 },
      )
      .toBe(0);
    await page.getByRole("button", { name: "Talk to a person" }).click();
    await expect(page.locator(".vc-handoff")).toHaveAttribute("data-status", "unavailable");
    await page.getByRole("textbox", { name: "Your email address" }).fill(visitorEmail);
    await page.locator(".vc-email-send").click();
    const box = page.getByRole("checkbox", { name: "Email me a transcript when the conversation closes" });
    // A click, then the state the server keeps: the box may redraw once while the request and the email's own
    // session update cross (check() refuses any box that is not checked the instant after its click).
    await box.click();
    await expect(
      page.getByText("We will email you a transcript when the conversation closes."),
    ).toBeVisible();
    await expect(box).toBeChecked();
    await page.screenshot({ path: "e2e/artifacts/transcript-requested.png" });
  });

  await test.step("an agent claims and closes it: one transcript arrives", async () => {
    const agentContext = await browser.newContext();
    const agent = await agentContext.newPage();
    await signInAdmin(agent, "/admin/sessions");
    const origin = new URL(agent.url()).origin;
    for (const verb of ["claim", "close"]) {
      const response = await agent.request.post(`/api/admin/sessions/${sessionId}/${verb}/`, {
        headers: { origin },
      });
      expect(response.status(), verb).toBe(200);
    }
    await expect
      .poll(async () => (await mailsTo(visitorEmail)).length, { timeout: 60_000 })
      .toBeGreaterThan(0);
    const transcripts = (await mailsTo(visitorEmail)).filter((mail) => /transcript/.test(mail.subject ?? ""));
    expect(transcripts).toHaveLength(1);
    const text = transcripts[0]!.text ?? "";
    expect(text).toContain(question);
    expect(text).toContain("The conversation was closed");
    expect(text).toContain(`/widget?visitor=${visitorId}&session=${sessionId}`);
    await agentContext.close();
  });
});

test("the profile page: who I am, my alert emails, and a password change that checks the current one", async ({
  page,
  allowProblems,
}) => {
  // The refused change answers 400: the browser logs the failed request, on purpose here.
  allowProblems(/api\/auth\/change-password/);
  await signInAdmin(page, "/admin");
  await page.getByTestId("profile-link").click();
  await expect(page).toHaveURL(/\/admin\/profile$/);
  await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
  await expect(page.getByTestId("profile")).toContainText("Admin");
  await expect(page.getByTestId("email-alerts-toggle")).toBeVisible();
  await page.getByLabel("Current password").fill("not my password at all");
  await page.getByLabel("New password (at least 12 characters)").fill("another long password 2026");
  await page.getByLabel("Repeat the new password").fill("another long password 2026");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("change-password").getByRole("alert")).toContainText(
    "The password was not changed",
  );
  await page.screenshot({ path: "e2e/artifacts/admin-profile.png", fullPage: true });
});
