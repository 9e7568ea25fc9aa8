import {
  bubbles,
  completedReply,
  expect,
  SLOW_QUESTION,
  messages,
  openWidget,
  readyVisitorId,
  recordProcedures,
  send,
  test,
} from "./helpers";

/** The widget follows the open conversation's event stream (sessions.events): no polling, nothing lost. */
test.describe("live conversation", () => {
  test("a reload mid-reply continues the reply token by token and ends equal to the stored reply", async ({
    page,
  }) => {
    const visitorId = await openWidget(page);
    // Answered at 150 ms per delta (e2e/slow-replies-preload.mjs): the reload lands mid-reply.
    await send(page, SLOW_QUESTION);
    const reply = messages(page, "assistant").last();
    await expect(reply).toHaveAttribute("data-state", "streaming");
    await expect(reply.locator(".vc-bubble")).toContainText(/\w+/);

    const called = recordProcedures(page);
    await page.reload();
    await readyVisitorId(page);
    const resumed = messages(page, "assistant").last();
    // Still being written after the reload, and growing (from the event stream, not from polling).
    await expect(resumed).toHaveAttribute("data-state", "streaming");
    const before = (await resumed.locator(".vc-bubble").innerText()).length;
    await expect
      .poll(async () => (await resumed.locator(".vc-bubble").innerText()).length)
      .toBeGreaterThan(before);
    await completedReply(page);
    const streamed = await resumed.locator(".vc-bubble").innerText();
    expect(called).toContain("sessions.events");
    // The list is loaded once per connection of the stream: no 1.5 s polling while the reply ran.
    expect(called.filter((path) => path === "messages.list").length).toBeLessThanOrEqual(2);

    // The stored reply (a fresh load) shows exactly what was streamed.
    const sessions = await page.request.get(`/api/chats/sessions/?visitor_id=${visitorId}`);
    const sessionId = ((await sessions.json()) as { data: { items: { id: string }[] } }).data.items[0]!.id;
    const stored = await page.request.get(
      `/api/chats/sessions/${sessionId}/messages/?visitor_id=${visitorId}`,
    );
    const items = ((await stored.json()) as { data: { items: { role: string; status: string }[] } }).data
      .items;
    expect(items.filter((item) => item.role === "assistant").map((item) => item.status)).toEqual([
      "complete",
    ]);
    await page.reload();
    await readyVisitorId(page);
    await expect(messages(page, "assistant").last().locator(".vc-bubble")).toHaveText(streamed, {
      // (innerText: the code block's Copy button and its code are separate lines, as shown.)
      useInnerText: true,
    });
  });

  test("a second tab shows the other tab's message and reply live", async ({ context }) => {
    const first = await context.newPage();
    await openWidget(first);
    await send(first, "How do I delete a conversation?");
    await completedReply(first);

    // Same visitor (same storage): the second tab opens the same, most recent conversation.
    const second = await context.newPage();
    await openWidget(second);
    await expect(bubbles(second, "user")).toHaveText(["How do I delete a conversation?"]);

    await send(first, SLOW_QUESTION);
    await expect(bubbles(second, "user")).toHaveText(["How do I delete a conversation?", SLOW_QUESTION]);
    const mirrored = messages(second, "assistant").last();
    await expect(mirrored).toHaveAttribute("data-state", "streaming");
    await completedReply(second);
    const original = await completedReply(first);
    await expect(mirrored.locator(".vc-bubble")).toHaveText(
      await original.locator(".vc-bubble").innerText(),
      {
        useInnerText: true,
      },
    );
  });
});
