import {
  SLOW_QUESTION,
  expect,
  test,
  VISITOR_KEY,
  bubbles,
  completedReply,
  composer,
  conversation,
  messages,
  openWidget,
  readyVisitorId,
  recordProcedures,
  send,
  sessionList,
} from "./helpers";
import Database from "better-sqlite3";
import { E2E_DATABASE_FILE } from "./start-app-paths";

test.describe("visitor start-up", () => {
  test("the first visit creates a visitor; a reload keeps it and validates it", async ({ page }) => {
    const calls = recordProcedures(page);
    const id = await openWidget(page);
    expect(calls).toContain("visitors.create");
    expect(await page.evaluate((key) => localStorage.getItem(key), VISITOR_KEY)).toBe(id);

    calls.length = 0;
    await page.reload();
    expect(await readyVisitorId(page)).toBe(id);
    expect(calls).toContain("visitors.validate");
    expect(calls).not.toContain("visitors.create");
  });

  for (const [what, stale] of [
    ["a corrupted", "not-a-visitor-id-%%%"],
    ["an unknown", "3f0c6a52-4d8e-4c43-9a57-6c1f0f0b2d9e"],
  ] as const) {
    test(`${what} stored id is replaced silently`, async ({ page, allowProblems }) => {
      // The server's answer to the stored id, expected here (and tRPC's logger link reporting it).
      allowProblems(/status of (400|404) \(|<< query #\d+ %cvisitors\.validate/);
      await page.addInitScript(
        ([key, value]) => {
          if (!sessionStorage.getItem("seeded")) {
            localStorage.setItem(key, value);
            sessionStorage.setItem("seeded", "1");
          }
        },
        [VISITOR_KEY, stale] as const,
      );
      const calls = recordProcedures(page);
      const id = await openWidget(page);
      expect(id).not.toBe(stale);
      expect(calls).toEqual(expect.arrayContaining(["visitors.validate", "visitors.create"]));
      expect(await page.evaluate((key) => localStorage.getItem(key), VISITOR_KEY)).toBe(id);
      await expect(page.locator(".vc-notice")).toHaveCount(0);
      await expect(page.locator(".vc-widget [role=alert]")).toHaveCount(0);
      await expect(composer(page)).toBeEnabled();
    });
  }
});

test.describe("conversations", () => {
  test("a reply streams in and is still there after a reload", async ({ page }) => {
    await openWidget(page);
    await send(page, SLOW_QUESTION);
    await expect(messages(page, "user").last()).toContainText(SLOW_QUESTION);
    await expect(composer(page)).toHaveValue("");

    const reply = messages(page, "assistant").last();
    // Streaming: the typing indicator shows, then text grows while the state is still "streaming".
    await expect(reply).toHaveAttribute("data-state", "streaming");
    await expect(reply.locator(".vc-bubble")).toContainText(/\w+/);
    const early = (await reply.locator(".vc-bubble").innerText()).length;
    await expect(page.getByRole("button", { name: "Stop the reply" })).toBeVisible();
    await completedReply(page);
    const full = await reply.locator(".vc-bubble").innerText();
    expect(full.length).toBeGreaterThan(early);
    // Markdown is rendered (the answer has a code block with the script tag).
    await expect(reply.locator("pre code")).toContainText("embed.js");
    await expect(reply.locator("time")).toBeVisible();
    // The reply is announced to screen readers once complete.
    await expect(page.locator('[aria-live="polite"][aria-atomic="true"]')).toContainText("New reply");

    await page.reload();
    await readyVisitorId(page);
    await expect(bubbles(page, "user")).toHaveText([SLOW_QUESTION]);
    await expect(messages(page, "assistant").last().locator(".vc-bubble")).toHaveText(full, {
      useInnerText: true,
    });
  });

  test('"+" starts a new conversation; both are listed and switching shows the right history', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1100, height: 800 });
    await openWidget(page);
    await send(page, "What is the REST API?");
    await completedReply(page);
    await expect(sessionList(page)).toHaveCount(1);

    await page.getByRole("button", { name: "New conversation" }).click();
    await expect(sessionList(page)).toHaveCount(2);
    await expect(messages(page, "user")).toHaveCount(0);
    await expect(composer(page)).toBeFocused();
    await send(page, "Is my data private?");
    await completedReply(page);

    const list = sessionList(page);
    await expect(list.locator(".vc-session-title")).toHaveText([
      "Is my data private?",
      "What is the REST API?",
    ]);
    await expect(list.first().locator("time")).toBeVisible();

    await conversation(page, "What is the REST API?").click();
    await expect(bubbles(page, "user")).toHaveText(["What is the REST API?"]);
    await conversation(page, "Is my data private?").click();
    await expect(bubbles(page, "user")).toHaveText(["Is my data private?"]);

    // Rename and delete.
    await page.getByRole("button", { name: "Rename Is my data private?" }).click();
    await page.getByRole("textbox", { name: /New name for/ }).fill("Privacy");
    await page.keyboard.press("Enter");
    await expect(list.locator(".vc-session-title")).toHaveText(["Privacy", "What is the REST API?"]);
    await page.reload();
    await readyVisitorId(page);
    await expect(sessionList(page).locator(".vc-session-title")).toHaveText([
      "Privacy",
      "What is the REST API?",
    ]);
    await page.getByRole("button", { name: "Delete What is the REST API?" }).click();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(sessionList(page).locator(".vc-session-title")).toHaveText(["Privacy"]);
  });

  test("stop cancels the reply and keeps the partial text; retry regenerates it in place", async ({
    page,
  }) => {
    await openWidget(page);
    await send(page, SLOW_QUESTION);
    const reply = messages(page, "assistant").last();
    await expect(reply.locator(".vc-bubble")).toContainText(/\w+ \w+/);
    await page.getByRole("button", { name: "Stop the reply" }).click();
    await expect(reply).toHaveAttribute("data-state", "stopped");
    await expect(reply).toContainText("Stopped.");
    const partial = await reply.locator(".vc-bubble").innerText();
    await page.waitForTimeout(500);
    expect(await reply.locator(".vc-bubble").innerText()).toBe(partial); // no more text arrives
    await expect(page.getByRole("button", { name: "Send message" })).toBeVisible();

    // The server stopped generating and stored the partial reply as stopped: a reload shows it so.
    await page.reload();
    const stored = messages(page, "assistant").last();
    await expect(stored).toHaveAttribute("data-state", "stopped");
    // What the server wrote before it saw the stop: a little more than the screen showed, at most (how much more
    // depends on the machine's pace), and less than the whole reply (below).
    const storedLength = (await stored.locator(".vc-bubble").innerText()).length;
    expect(storedLength).toBeGreaterThanOrEqual(partial.length - "Stopped.".length);

    await stored.getByRole("button", { name: "Retry" }).click();
    await expect(messages(page, "user")).toHaveCount(1); // regenerated in place, not sent again
    const again = await completedReply(page);
    const fullLength = (await again.locator(".vc-bubble").innerText()).length;
    expect(fullLength).toBeGreaterThan(partial.length);
    expect(storedLength).toBeLessThan(fullLength); // the stop really ended the first reply early
  });

  test("network down: a notice, nothing typed is lost, and the message goes out when it is back", async ({
    page,
    allowProblems,
  }) => {
    // The outage this test makes (and tRPC's logger link reporting it).
    allowProblems(/net::ERR_INTERNET_DISCONNECTED|Failed to fetch|<< (query|mutation|subscription) #\d+/);
    await openWidget(page);
    await page.route("**/api/trpc/messages.chatStream*", (route) => route.abort("internetdisconnected"));
    await page.route("**/api/trpc/sessions.create*", (route) => route.abort("internetdisconnected"));
    await send(page, "Are you there?");
    await expect(page.locator(".vc-notice")).toContainText("Retrying automatically");
    await expect(messages(page, "user").last()).toContainText("Are you there?");
    await expect(messages(page, "user").last()).toHaveAttribute("data-state", "waiting");
    await expect(composer(page)).toBeEnabled(); // non-blocking: the visitor can keep typing
    await composer(page).fill("a draft");

    await page.unrouteAll();
    await page.getByRole("button", { name: "Retry now" }).click();
    await completedReply(page);
    await expect(bubbles(page, "user")).toHaveText(["Are you there?"]);
    await expect(page.locator(".vc-notice")).toHaveCount(0);
    await expect(composer(page)).toHaveValue("a draft");
  });

  test("a server error while loading shows the notice and recovers on its own", async ({
    page,
    allowProblems,
  }) => {
    allowProblems(/status of 503 \(|<< query #\d+ %csessions\.list/); // the failures this test makes
    let failures = 0;
    await page.route("**/api/trpc/**sessions.list*", async (route) => {
      if (failures++ < 2) {
        await route.fulfill({ status: 503, contentType: "text/plain", body: "unavailable" });
        return;
      }
      await route.fallback();
    });
    await openWidget(page);
    await expect(page.locator(".vc-notice")).toBeVisible();
    await expect(page.locator(".vc-notice")).toHaveCount(0, { timeout: 15_000 });
    await send(page, "hello");
    await completedReply(page);
  });

  test("an XSS payload renders inert", async ({ page }) => {
    await openWidget(page);
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const payload =
      '<script>window.__xss = 1</script>\n\n<img src=x onerror="window.__xss = 2">\n\n' +
      "[click me](javascript:window.__xss=3) and [ok](https://example.com)";
    await send(page, payload);
    const mine = messages(page, "user").last();
    await expect(mine).toContainText("<script>window.__xss = 1</script>");
    await completedReply(page);
    await expect(mine.locator("script, img")).toHaveCount(0);
    await expect(mine.locator("a")).toHaveCount(1);
    await expect(mine.locator("a")).toHaveAttribute("href", "https://example.com");
    await expect(mine.locator("a")).toHaveAttribute("rel", /noopener/);
    await mine.getByText("click me").click();
    expect(await page.evaluate(() => (window as Window & { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  test("keyboard only: reach the composer, send with Enter, new line with Shift+Enter, switch chats", async ({
    page,
  }) => {
    await page.setViewportSize({ width: 400, height: 700 });
    await openWidget(page);
    // Focus order: conversations toggle → new conversation → more (menu) → composer.
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Conversations" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "New conversation" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "More", exact: true })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(composer(page)).toBeFocused();

    await page.keyboard.type("first line");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("second line");
    await expect(composer(page)).toHaveValue("first line\nsecond line");
    await page.keyboard.press("Enter");
    await expect(messages(page, "user").last()).toContainText("second line");
    await completedReply(page);

    // Start a new chat from the header, then go back to the first one through the list.
    await page.getByRole("button", { name: "New conversation" }).focus();
    await page.keyboard.press("Enter");
    await expect(composer(page)).toBeFocused();
    await page.keyboard.type("another chat");
    await page.keyboard.press("Enter");
    await completedReply(page);

    await page.getByRole("button", { name: "Conversations" }).focus();
    await page.keyboard.press("Enter");
    const list = page.getByRole("navigation", { name: "Conversations" });
    await expect(list).toBeVisible();
    await expect(conversation(page, "another chat")).toBeFocused();
    await page.keyboard.press("Tab"); // rename
    await page.keyboard.press("Tab"); // delete
    await page.keyboard.press("Tab"); // the older conversation
    await expect(conversation(page, "first line")).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(list).toBeHidden();
    await expect(composer(page)).toBeFocused();
    await expect(messages(page, "user").last()).toContainText("first line");

    // Escape closes the list and gives focus back to its button.
    await page.getByRole("button", { name: "Conversations" }).click();
    await page.keyboard.press("Escape");
    await expect(list).toBeHidden();
    await expect(page.getByRole("button", { name: "Conversations" })).toBeFocused();
  });
});

test.describe("what a new visitor saw", () => {
  test("Shift+Enter line breaks stay line breaks in the visitor's bubble", async ({ page }) => {
    await openWidget(page);
    await composer(page).click();
    await page.keyboard.type("line one");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("line two");
    await page.keyboard.press("Enter");
    const bubble = bubbles(page, "user").last();
    await expect(bubble.locator("br")).toHaveCount(1);
    expect(await bubble.innerText()).toBe("line one\nline two");
    await completedReply(page);
  });

  test("near the limit a counter shows; over it the message is refused, not cut", async ({ page }) => {
    await openWidget(page);
    const counter = page.locator(".vc-count");
    await composer(page).fill("a".repeat(3_000));
    await expect(counter).toHaveCount(0);
    await composer(page).fill("a".repeat(3_600));
    await expect(counter).toHaveText("3,600 / 4,000");

    const paste = "b".repeat(4_001);
    await composer(page).fill(paste);
    await expect(composer(page)).toHaveValue(paste); // nothing cut off silently
    await expect(counter).toHaveText("1 character too long (at most 4,000)");
    await expect(page.getByRole("button", { name: "Send message" })).toBeDisabled();
    await composer(page).press("Enter");
    await expect(messages(page, "user")).toHaveCount(0);

    await composer(page).press("Backspace");
    await expect(counter).toHaveText("4,000 / 4,000");
    await composer(page).press("Enter");
    await expect(bubbles(page, "user")).toHaveText(["b".repeat(4_000)]);
    await completedReply(page);
  });

  test("a reply that failed with no text says so, with Retry", async ({ page }) => {
    const visitorId = await openWidget(page);
    await send(page, "hello there");
    await completedReply(page);
    // What the stale-reply sweep leaves after a crash before the first word: a failed, empty reply.
    const db = new Database(E2E_DATABASE_FILE);
    db.prepare(
      `UPDATE messages SET status = 'failed', content = '' WHERE role = 'assistant' AND session_id IN
         (SELECT id FROM sessions WHERE visitor_id = ?)`,
    ).run(visitorId);
    db.close();

    await page.reload();
    const reply = messages(page, "assistant").last();
    await expect(reply).toHaveAttribute("data-state", "failed");
    await expect(reply.locator(".vc-bubble")).toHaveText(
      "The assistant could not reply. Your message was saved; try again in a moment.",
    );
    await reply.getByRole("button", { name: "Retry" }).click();
    await completedReply(page);
    await expect(messages(page, "user")).toHaveCount(1);
  });
});
