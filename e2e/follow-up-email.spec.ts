/**
 * No visitor left behind (issue 25), end to end against the e2e app's real SMTP receiver (e2e/start-app.ts):
 * nobody online → the visitor asks for a person and leaves an email → the request is in the inbox's "Follow up"
 * with the email → an agent claims it and writes twice after the visitor left → one email arrives, with both
 * messages and a link back → a reply to it (a real multipart message with quoted history) posted to
 * /api/inbound/email/ appears in the inbox and in the widget opened from the email's link in a fresh browser.
 */
import MailComposer from "nodemailer/lib/mail-composer";
import type { ParsedMail } from "mailparser";
import type { Page } from "@playwright/test";
import { E2E_INBOUND_SECRET } from "./identity";
import { mailsTo } from "./mailbox";
import { completedReply, expect, openWidget, send, signInAdmin, test, watchProblems } from "./helpers";

test("a missed request is followed up by email, and the email's reply comes back into the conversation", async ({
  page,
  browser,
  request,
}) => {
  // The email waits EMAIL_CONTINUITY_DELAY_SECONDS after the visitor left, then the worker's next tick (5 s).
  test.setTimeout(180_000);
  const marker = Date.now().toString(36);
  const visitorEmail = `visitor-${marker}@example.org`;
  const question = `Where is parcel ${marker}?`;
  const firstReply = `Hello, we found parcel ${marker}.`;
  const secondReply = "It ships on Monday.";
  const emailReply = `Great, thank you ${marker}!`;

  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  // Signed in, but not on the inbox: nobody is online yet.
  await signInAdmin(agent, "/admin/sessions");

  const visitorId = await openWidget(page);
  let sessionId = "";

  await test.step("nobody online: the visitor asks for a person and leaves an email", async () => {
    await send(page, question);
    await completedReply(page);
    const sessions = await page.request.get(`/api/chats/sessions/?visitor_id=${visitorId}`);
    sessionId = ((await sessions.json()) as { data: { items: { id: string }[] } }).data.items[0]!.id;
    // An inbox an earlier spec left open counts as online until its heartbeat expires (45 s).
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
    await expect(page.getByText("Thanks! We will answer by email as soon as someone is back.")).toBeVisible();
    await expect(page.getByTestId("ai-disclosure")).toContainText("You are chatting with an AI assistant");
    await page.screenshot({ path: "e2e/artifacts/follow-up-widget-email-left.png" });
    // The visitor leaves (the widget closes): from now on the agent's messages go by email.
    await page.close();
  });

  await test.step("the request is in the inbox's Follow up, with the email", async () => {
    await agent.goto("/admin/inbox");
    await expect(agent.getByTestId("email-status")).toContainText("Email is on");
    const item = agent
      .getByRole("navigation", { name: "Conversations" })
      .getByRole("button")
      .filter({ hasText: `Email: ${visitorEmail}` });
    await expect(item).toBeVisible();
    await expect(item).toContainText(question);
    await expect(agent.getByTestId("follow-up-heading")).not.toContainText(/Follow up\s*0/);
    await agent.screenshot({ path: "e2e/artifacts/follow-up-inbox.png", fullPage: true });
    await item.click();
    await expect(agent.getByRole("list", { name: "Transcript" })).toContainText(question);
  });

  const agentName = (await agent.locator(".inbox .muted strong").first().textContent()) ?? "";
  const transcript = agent.getByRole("list", { name: "Transcript" });

  await test.step("an agent claims it and writes twice; the step is in the transcript", async () => {
    await agent.getByRole("button", { name: "Claim" }).click();
    await expect(agent.getByTestId("session-mode")).toContainText("agent");
    await expect(transcript.locator('[data-role="system"]')).toContainText(
      `${agentName} joined the conversation`,
    );
    const reply = agent.getByLabel(`Reply as ${agentName}`);
    await reply.fill(firstReply);
    await reply.press("Enter");
    await expect(transcript).toContainText(firstReply);
    await reply.fill(secondReply);
    await reply.press("Enter");
    await expect(transcript).toContainText(secondReply);
  });

  let sent: ParsedMail | undefined;
  await test.step("one email arrives at the SMTP server, with both messages and the way back", async () => {
    await expect.poll(async () => (await mailsTo(visitorEmail)).length, { timeout: 90_000 }).toBe(1);
    sent = (await mailsTo(visitorEmail))[0]!;
    expect(sent.text).toContain(firstReply);
    expect(sent.text).toContain(secondReply);
    expect(sent.text).toContain(agentName);
    expect(typeof sent.html).toBe("string");
    expect(sent.replyTo?.value[0]?.address).toMatch(/^reply\+[^@]+@reply\.e2e\.example\.com$/);
  });
  const mail = sent!;
  const link = /https?:\/\/[^\s"<>]+\/widget\?[^\s"<>]+/.exec(mail.text ?? "")?.[0] ?? "";
  expect(link).toContain(`session=${sessionId}`);

  await test.step("a reply by email without the secret is refused; with it, only the new text is stored", async () => {
    const raw = await new MailComposer({
      from: `Visitor <${visitorEmail}>`,
      to: mail.replyTo!.value[0]!.address!,
      subject: `Re: ${mail.subject ?? ""}`,
      inReplyTo: mail.messageId,
      text: `${emailReply}\n\nOn Sun, 6 Dec 2026 at 20:00, Support <support@e2e.example.com> wrote:\n> ${firstReply}\n> ${secondReply}\n`,
      html: `<div>${emailReply}</div><blockquote>On Sun, 6 Dec 2026, Support wrote:<br>${firstReply}<br>${secondReply}</blockquote>`,
    })
      .compile()
      .build();
    const refused = await request.post("/api/inbound/email/", {
      headers: { "content-type": "message/rfc822" },
      data: raw,
    });
    expect(refused.status()).toBe(401);
    const accepted = await request.post("/api/inbound/email/", {
      headers: { authorization: `Bearer ${E2E_INBOUND_SECRET}`, "content-type": "message/rfc822" },
      data: raw,
    });
    expect(accepted.status()).toBe(200);
  });

  await test.step("the reply appears in the open inbox", async () => {
    const visitorLines = transcript.locator('[data-role="user"]');
    await expect(visitorLines.last()).toContainText(emailReply);
    await expect(visitorLines.last()).not.toContainText("wrote:");
  });

  await test.step("the email's link opens the conversation in a fresh browser, with the reply and the step", async () => {
    const fresh = await browser.newContext();
    const problems = await watchProblems(fresh);
    const widget = await fresh.newPage();
    await widget.goto(link);
    await expect(widget.locator(".vc-msg-agent").first()).toContainText(firstReply);
    await expect(widget.locator(".vc-msg-agent").last()).toContainText(secondReply);
    await expect(widget.locator(".vc-msg-user").last()).toContainText(emailReply);
    await expect(widget.locator(".vc-msg-system")).toContainText(`${agentName} joined the conversation`);
    await expect(widget.getByTestId("ai-disclosure")).toBeVisible();
    await widget.screenshot({ path: "e2e/artifacts/follow-up-widget-from-email.png" });
    await fresh.close();
    expect(problems, "console errors or CSP violations in the fresh browser").toEqual([]);
  });

  // Still one email: the reply by email and the agent's earlier messages sent nothing more.
  expect(await mailsTo(visitorEmail)).toHaveLength(1);
  await agentContext.close();
});

/** The widget in German, one question; the assistant's built-in not-found reply must be German. */
async function askGermanWidget(page: Page, question: string): Promise<void> {
  await openWidget(page, "?locale=de");
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.getByTestId("ai-disclosure")).toContainText("Sie chatten mit einem KI-Assistenten");
  const input = page.getByRole("textbox", { name: "Nachricht" });
  await input.fill(question);
  await input.press("Enter");
  const reply = (await completedReply(page)).locator(".vc-bubble");
  await expect(reply).toContainText("Dazu habe ich in unseren Hilfeartikeln nichts gefunden.");
  await expect(reply).toContainText("mit einer Person zu sprechen");
  await expect(reply).not.toContainText("I couldn't find");
}

test("German widget: a German question the articles do not cover gets the German not-found reply", async ({
  page,
}) => {
  await askGermanWidget(page, "Wie wird das Wetter morgen in Hamburg?");
});

test("German widget: a message too short to tell its language is answered in the widget's language", async ({
  page,
}) => {
  // Found here: the widget's language did not reach the assistant. Sessions now keep it (the widget sends its
  // locale when it creates one), so a short or unclear message in a German widget is answered in German.
  await askGermanWidget(page, "Quittungsdrucker?");
});
