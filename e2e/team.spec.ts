/**
 * A team's day, end to end (issue 26's proof): the admin turns auto-assignment on, makes a saved reply and invites
 * an agent; the agent sets a password through the link, signs in and opens the inbox; a visitor in the widget asks
 * for a person and the conversation is the agent's at once (auto-assigned); the agent answers with the saved reply
 * (`/` in the composer); the visitor sends a screenshot of their page (a real PNG, taken here) and the agent sends
 * a PDF back (a real one, made here), which the visitor sees and downloads; the agent adds a private note and a
 * label and passes the conversation to the admin, whose inbox ("Mine", kept in the address) shows it live; the
 * admin finds it on the sessions page by a word the visitor wrote, and the reports count it under the agent.
 * Screenshots of the inbox with the conversation open at 1280 and 390 px are kept under test-results/ for review.
 * Admin, agent and visitor are three browser contexts; none may log a console error or break its CSP.
 * Full runs share one database: everything here is found by this run's own words, never by a list being empty.
 * Auto-assignment is turned off again at the end (the other specs expect a waiting queue).
 */
import type { Locator, Page } from "@playwright/test";
import { expect, openWidget, send, signInAdmin, test, watchProblems } from "./helpers";

const AGENT_PASSWORD = "bea's long enough password";

async function setAutoAssign(page: Page, on: boolean): Promise<void> {
  await page.goto("/admin/settings");
  const box = page.getByTestId("auto-assign");
  if ((await box.isChecked()) !== on) await box.setChecked(on);
  await page.getByLabel("Open conversations per agent").fill("3");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Saved. Every server applies it within a few seconds.")).toBeVisible();
}

/** A valid one-page PDF saying `text` (ASCII), with a correct cross-reference table. */
function pdf(text: string): Buffer {
  const content = `BT /F1 24 Tf 72 700 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

/** A PNG's width, from its IHDR chunk. */
const pngWidth = (png: Buffer) => png.readUInt32BE(16);

/** The element fits the page's width (not cut off or pushed past a phone's screen). */
async function expectWithinWidth(page: Page, element: Locator): Promise<void> {
  const box = await element.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(page.viewportSize()!.width);
}

test("a team's day: invite, auto-assign, saved reply, files both ways, note, label, pass, search, report", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const suffix = Date.now().toString(36);
  const marker = `team ${suffix}`;
  // One word only this run's visitor wrote: the admin searches for it.
  const word = `waybill${suffix}`;
  const agentEmail = `bea-${suffix}@example.com`;
  // Unique too: the report by agent names the author of the conversation's first agent message.
  const agentName = `Bea ${suffix}`;
  const adminContext = await browser.newContext();
  const agentContext = await browser.newContext();
  const problems = {
    admin: await watchProblems(adminContext),
    agent: await watchProblems(agentContext),
  };
  const admin = await adminContext.newPage();
  const agent = await agentContext.newPage();

  try {
    await test.step("the admin turns auto-assignment on and makes a saved reply", async () => {
      await signInAdmin(admin, "/admin/settings");
      await setAutoAssign(admin, true);
      await admin.goto("/admin/saved-replies");
      const form = admin.getByTestId("new-saved-reply");
      await form.getByLabel("Shortcut").fill(`thanks${suffix}`);
      await form.getByLabel("Reply").fill("Thanks for waiting, {{agent.name}} here. Let me look.");
      await form.getByRole("button", { name: "Create" }).click();
      await expect(admin.locator(`input[name="shortcut"][value="thanks${suffix}"]`)).toBeVisible();
    });

    let inviteUrl = "";
    await test.step("the admin invites an agent and gets a single-use link", async () => {
      await admin.goto("/admin/team");
      const form = admin.locator("form.filters");
      await form.getByLabel("Email").fill(agentEmail);
      await form.getByLabel("Name").fill(agentName);
      await form.getByLabel("Role").selectOption("agent");
      await form.getByRole("button", { name: "Invite" }).click();
      inviteUrl = (await admin.getByTestId("invite-url").textContent()) ?? "";
      expect(inviteUrl).toMatch(/\/admin\/invite\//);
      await admin.getByRole("button", { name: "Done" }).click();
      // Her own capacity for auto-assignment (empty: the team's), kept across a reload.
      const capacity = admin.getByLabel(`Auto-assignment capacity of ${agentName}`);
      await capacity.fill("2");
      await capacity.press("Enter");
      await admin.reload();
      await expect(admin.getByLabel(`Auto-assignment capacity of ${agentName}`)).toHaveValue("2");
      await admin.screenshot({ path: "test-results/team-page-1280.png", fullPage: true });
    });

    await test.step("the agent sets a password, signs in and opens the inbox", async () => {
      await agent.goto(new URL(inviteUrl).pathname);
      await agent.getByLabel("Password", { exact: true }).fill(AGENT_PASSWORD);
      await agent.getByLabel("Repeat it").fill(AGENT_PASSWORD);
      await agent.getByRole("button", { name: "Set password" }).click();
      await expect(agent).toHaveURL(/\/admin\/sign-in/);
      await agent.goto("/admin/sign-in?next=%2Fadmin%2Finbox");
      await agent.getByLabel("Email").fill(agentEmail);
      await agent.getByLabel("Password").fill(AGENT_PASSWORD);
      await agent.getByRole("button", { name: "Sign in" }).click();
      await expect(agent).toHaveURL(/\/admin\/inbox$/);
      await expect(agent.getByRole("heading", { name: /Inbox/ })).toBeVisible();
      // Settings are the admin's: not in an agent's navigation.
      await expect(agent.getByRole("link", { name: "Settings" })).toHaveCount(0);
    });

    await test.step("a visitor asks for a person: the conversation is the agent's at once", async () => {
      await openWidget(page);
      await send(page, marker);
      await expect(page.locator(".vc-msg-assistant").last()).toHaveAttribute("data-state", "complete", {
        timeout: 30_000,
      });
      await page.getByRole("button", { name: "Talk to a person" }).click();
      await expect(page.locator(".vc-handoff")).toContainText(`You are chatting with ${agentName}`);
      await agent.getByTestId("inbox-filter-mine").click();
      await expect(agent).toHaveURL(/\?filter=mine$/);
      const item = agent
        .getByRole("navigation", { name: "Conversations" })
        .getByRole("button", { name: marker });
      await expect(item).toContainText("with you");
      await item.click();
      await expect(agent.getByTestId("session-mode")).toContainText("agent");
    });

    await test.step("the visitor's browser is in the context panel once, its raw user agent on hover", async () => {
      const userAgent = await page.evaluate(() => navigator.userAgent);
      const browserLine = agent.getByTestId("context-browser");
      await expect(browserLine).toContainText(/Chrom/);
      await expect(browserLine).toHaveAttribute("title", userAgent);
      // The widget's metadata is all in the panel: no second "Details" line repeats it cut short.
      await expect(agent.getByTestId("visitor-details")).toHaveCount(0);
      await expect(agent.locator(".inbox-visitor")).not.toContainText("user_agent");
    });

    let adminName = "";
    await test.step("the admin opens their inbox on Mine (from the address): not theirs yet", async () => {
      // Opened well before the pass, so its live stream is surely following every conversation by then.
      await admin.goto("/admin/inbox?filter=mine");
      await expect(admin.getByTestId("inbox-filter-mine")).toHaveAttribute("aria-pressed", "true");
      adminName = (await admin.locator(".inbox .muted strong").first().textContent()) ?? "";
      expect(adminName).not.toBe("");
      // Earlier specs may have left the admin other conversations: this one is not among them.
      await expect(admin.getByRole("heading", { name: /^Mine \(\d+\)$/ })).toBeVisible();
      await expect(
        admin.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: marker }),
      ).toHaveCount(0);
    });

    const transcript = agent.getByRole("list", { name: "Transcript" });
    await test.step("the agent answers with a saved reply (/ in the composer)", async () => {
      const reply = agent.getByLabel(`Reply as ${agentName}`);
      await reply.fill(`/thanks${suffix}`);
      const suggestions = agent.getByTestId("saved-replies");
      await expect(suggestions).toContainText(`/thanks${suffix}`);
      await suggestions.getByRole("button").first().click();
      await expect(reply).toHaveValue(`Thanks for waiting, ${agentName} here. Let me look.`);
      await reply.press("Enter");
      await expect(reply).toHaveValue("");
      await expect(page.locator(".vc-msg-agent").last()).toContainText(
        `Thanks for waiting, ${agentName} here.`,
      );
    });

    let screenshot: Buffer = Buffer.alloc(0);
    await test.step("the visitor sends a screenshot of their page; the agent sees it", async () => {
      screenshot = await page.screenshot();
      await page
        .getByTestId("attach-input")
        .setInputFiles({ name: `screen-${suffix}.png`, mimeType: "image/png", buffer: screenshot });
      await expect(page.getByTestId("pending-attachments")).toContainText(`screen-${suffix}.png`);
      await send(page, `The ${word} number on my order page is wrong, see the screenshot`);
      await expect(page.getByTestId("pending-attachments")).toHaveCount(0);
      const visitorThumb = page.locator(".vc-msg-user").last().getByTestId("attachment-thumb");
      await expect(visitorThumb).toBeVisible();

      const message = transcript.locator('[data-role="user"]').filter({ hasText: word });
      await expect(message).toBeVisible();
      const thumb = message.getByTestId("attachment-thumb");
      await expect(thumb).toBeVisible();
      // The very image: the screenshot's own width, decoded by the agent's browser.
      await expect
        .poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth))
        .toBe(pngWidth(screenshot));
    });

    const invoice = pdf(`Invoice ${suffix}`);
    await test.step("the agent sends a PDF back; the visitor sees it and downloads the same bytes", async () => {
      await agent
        .getByTestId("agent-attach-input")
        .setInputFiles({ name: `invoice-${suffix}.pdf`, mimeType: "application/pdf", buffer: invoice });
      await expect(agent.getByTestId("agent-pending-attachments")).toContainText(`invoice-${suffix}.pdf`);
      const reply = agent.getByLabel(`Reply as ${agentName}`);
      await reply.fill("Here is your corrected invoice");
      await reply.press("Enter");
      await expect(transcript.locator('[data-role="agent"]').last()).toContainText(`invoice-${suffix}.pdf`);

      const agentMessage = page.locator(".vc-msg-agent").last();
      await expect(agentMessage).toContainText("Here is your corrected invoice");
      const link = agentMessage.getByTestId("attachment-link");
      await expect(link).toBeVisible();
      await expect(link).toContainText(`invoice-${suffix}.pdf`);
      const response = await page.request.get((await link.getAttribute("href")) ?? "");
      expect(response.status()).toBe(200);
      expect(response.headers()["content-type"]).toBe("application/pdf");
      expect(Buffer.compare(await response.body(), invoice)).toBe(0);
      const download = page.waitForEvent("download");
      await link.click();
      expect((await download).suggestedFilename()).toBe(`invoice-${suffix}.pdf`);
      await page.screenshot({ path: "test-results/team-visitor.png" });
    });

    await test.step("the agent adds a private note and a label", async () => {
      const notes = agent.getByTestId("session-notes");
      await notes.getByLabel("Add a note").fill("Asked about an order; passing to the admin.");
      await notes.getByRole("button", { name: "Save note" }).click();
      await expect(notes).toContainText("Asked about an order; passing to the admin.");
      await agent.getByLabel("Add a label").fill("orders");
      await agent.getByRole("button", { name: "Add", exact: true }).click();
      await expect(agent.getByRole("button", { name: "Remove label orders" })).toBeVisible();
      // Never the visitor's.
      await expect(page.getByText("passing to the admin")).toHaveCount(0);
    });

    /** The transcript's box is on the screen showing its newest message (the PDF's): it scrolls from its end. */
    async function expectNewestInView(): Promise<void> {
      await agent.locator(".inbox-transcript").scrollIntoViewIfNeeded();
      const newest = transcript.locator(":scope > li").last();
      await expect(newest).toContainText(`invoice-${suffix}.pdf`);
      // Whole, to a pixel (the box clips a fraction of one at some widths).
      await expect(newest).toBeInViewport({ ratio: 0.95 });
    }

    await test.step("screenshots of the agent's inbox at 1280 and 390 px", async () => {
      await agent.setViewportSize({ width: 1280, height: 900 });
      await expect(transcript.getByTestId("attachment-thumb")).toBeVisible();
      await expectNewestInView();
      await agent.screenshot({ path: "test-results/team-inbox-1280.png", fullPage: true });
      await agent.setViewportSize({ width: 390, height: 844 });
      // Nothing wider than the phone's screen; the composer, transcript and actions are all on it.
      const overflow = await agent.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await expectNewestInView();
      const composer = agent.getByLabel(`Reply as ${agentName}`);
      await composer.scrollIntoViewIfNeeded();
      await expect(composer).toBeInViewport();
      for (const element of [
        composer,
        agent.getByRole("button", { name: "Send" }),
        transcript,
        agent.getByTestId("assign-to"),
        agent.getByTestId("visitor-context"),
        agent.getByTestId("session-notes"),
      ])
        await expectWithinWidth(agent, element);
      await agent.screenshot({ path: "test-results/team-inbox-390.png", fullPage: true });
      await agent.setViewportSize({ width: 1280, height: 900 });
    });

    await test.step("the agent passes it to the admin, whose inbox shows it live", async () => {
      const list = admin.getByRole("navigation", { name: "Conversations" });
      await expect(list.getByRole("button", { name: marker })).toHaveCount(0);
      await agent.getByTestId("assign-to").selectOption({ label: adminName });
      await expect(list.getByRole("button", { name: marker })).toContainText("with you");
      await list.getByRole("button", { name: marker }).click();
      await expect(admin.getByTestId("session-notes")).toContainText("passing to the admin");
      await expect(admin.getByRole("button", { name: "Remove label orders" })).toBeVisible();
      await expect(
        admin.getByRole("list", { name: "Transcript" }).getByTestId("attachment-thumb"),
      ).toBeVisible();
      // The agent's "Mine" no longer has it.
      await expect(
        agent.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: marker }),
      ).toHaveCount(0);
    });

    await test.step("the admin finds it by a word the visitor wrote", async () => {
      await admin.goto("/admin/sessions");
      const search = admin.getByRole("searchbox", { name: "Search" });
      await search.fill(word);
      await search.press("Enter");
      await expect(admin).toHaveURL(new RegExp(`[?&]q=${word}`));
      const rows = admin.locator("tbody tr");
      await expect(rows).toHaveCount(1);
      await expect(rows.getByRole("link", { name: marker })).toBeVisible();
      await expect(rows.locator(".search-snippet mark")).toHaveText(word);
      await rows.getByRole("link", { name: marker }).click();
      await expect(admin).toHaveURL(/\/admin\/sessions\/[0-9a-f-]{36}/);
      await expect(admin.getByText("Here is your corrected invoice")).toBeVisible();
      await expect(admin.getByText(`The ${word} number on my order page is wrong`)).toBeVisible();
      // The files of the conversation, both ways, on the transcript page too (downloaded through the admin API).
      const files = admin.getByRole("region", { name: "Transcript" });
      await expect(files.getByTestId("attachment-thumb")).toBeVisible();
      await expect(files.getByRole("link", { name: new RegExp(`invoice-${suffix}\\.pdf`) })).toHaveAttribute(
        "href",
        /^\/api\/admin\/sessions\/[0-9a-f-]{36}\/attachments\/[0-9a-f-]{36}\/$/,
      );
      await expect(admin.getByTestId("context-browser")).toHaveAttribute("title", /Mozilla/);
    });

    await test.step("the reports count it, under the agent who answered it", async () => {
      await admin.goto("/admin/reports?group=agent");
      const row = admin.getByTestId("report-table").locator("tbody tr").filter({ hasText: agentName });
      // Agent, conversations, handoffs, …: one conversation, handed off once.
      await expect(row.locator("td")).toHaveText([agentName, "1", "1", /.*/, /.*/, /.*/, /.*/, /.*/, /.*/]);
      await expect(admin.getByRole("img", { name: /Conversations: \d+ in \d+ rows/ })).toContainText(
        agentName,
      );
    });

    expect(problems.admin, "the admin's console errors or CSP violations").toEqual([]);
    expect(problems.agent, "the agent's console errors or CSP violations").toEqual([]);
  } finally {
    await setAutoAssign(admin, false).catch(() => undefined);
    await agentContext.close();
    await adminContext.close();
  }
});
