/**
 * Files both ways (issue 26 item 7): the visitor attaches a PNG in the widget and sends it; the agent sees its
 * thumbnail in the inbox, claims the conversation and sends a PDF back; the visitor sees the PDF's link, whose
 * download is Content-Disposition: attachment. The files are made here (a small valid PNG and PDF).
 */
import { deflateSync } from "node:zlib";
import { expect, openWidget, signInAdmin, test } from "./helpers";

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid RGB PNG of one colour with a darker diagonal band (visible as a thumbnail). */
function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter, no interlace
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < width; x++) {
      const band = Math.abs(x - y) < 6;
      rows.push(band ? 20 : 37, band ? 60 : 99, band ? 140 : 235);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

test("a visitor sends a screenshot, the agent sees it and sends a PDF back", async ({ page, browser }) => {
  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  const marker = `attach ${Date.now().toString(36)}`;

  await test.step("the agent signs in and opens the inbox", async () => {
    await signInAdmin(agent, "/admin/inbox");
    await expect(agent.getByRole("heading", { name: /Inbox/ })).toBeVisible();
  });
  const agentName = (await agent.locator(".inbox .muted strong").first().textContent()) ?? "";

  await test.step("the visitor attaches a PNG (a removable chip) and sends it with a message", async () => {
    await openWidget(page);
    await expect(page.getByRole("button", { name: "Attach a file" })).toBeVisible();
    await page
      .getByTestId("attach-input")
      .setInputFiles({ name: "screenshot.png", mimeType: "image/png", buffer: png(96, 64) });
    const chips = page.getByTestId("pending-attachments");
    await expect(chips).toContainText("screenshot.png");
    await expect(chips.getByRole("button", { name: "Remove screenshot.png" })).toBeVisible();
    await page.getByRole("textbox", { name: "Message" }).fill(marker);
    await page.getByRole("textbox", { name: "Message" }).press("Enter");
    await expect(chips).toHaveCount(0);
    const mine = page.locator(".vc-msg-user").last();
    const thumb = mine.getByTestId("attachment-thumb");
    await expect(thumb).toBeVisible();
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);
    await expect(page.locator(".vc-msg-assistant").last()).toHaveAttribute("data-state", "complete", {
      timeout: 30_000,
    });
    await page.getByRole("button", { name: "Talk to a person" }).click();
  });

  await test.step("the agent sees the thumbnail, claims and sends a PDF back", async () => {
    const item = agent
      .getByRole("navigation", { name: "Conversations" })
      .getByRole("button", { name: marker });
    await item.click();
    const transcript = agent.getByRole("list", { name: "Transcript" });
    const thumb = transcript.getByTestId("attachment-thumb");
    await expect(thumb).toBeVisible();
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);
    expect(await thumb.getAttribute("src")).toMatch(
      /^\/api\/admin\/sessions\/[^/]+\/attachments\/[^/]+\/\?inline=1$/,
    );
    await agent.getByRole("button", { name: "Claim" }).click();
    await expect(agent.getByTestId("session-mode")).toContainText("agent");
    await agent
      .getByTestId("agent-attach-input")
      .setInputFiles({ name: "invoice.pdf", mimeType: "application/pdf", buffer: PDF });
    await expect(agent.getByTestId("agent-pending-attachments")).toContainText("invoice.pdf");
    const reply = agent.getByLabel(`Reply as ${agentName}`);
    await reply.fill("Here is your invoice");
    await reply.press("Enter");
    await expect(transcript.locator('[data-role="agent"]').last()).toContainText("invoice.pdf");
    await agent.screenshot({ path: "test-results/attachments-inbox.png", fullPage: true });
  });

  await test.step("the visitor sees the PDF link; its download is an attachment", async () => {
    const agentMessage = page.locator(".vc-msg-agent").last();
    await expect(agentMessage).toContainText("Here is your invoice");
    const link = agentMessage.getByTestId("attachment-link");
    await expect(link).toContainText("invoice.pdf");
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toMatch(/\/attachments\/[^/]+\/\?visitor_id=/);
    const response = await page.request.get(href);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("application/pdf");
    expect(response.headers()["content-disposition"]).toMatch(/^attachment;.*invoice\.pdf/);
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
    const download = page.waitForEvent("download");
    await link.click();
    expect((await download).suggestedFilename()).toBe("invoice.pdf");
    await page.screenshot({ path: "test-results/attachments-widget.png" });
  });

  await agentContext.close();
});

test("a file of a type not allowed is refused in the visitor's words, and nothing is pending", async ({
  page,
  allowProblems,
}) => {
  allowProblems(/status of 415/);
  await openWidget(page);
  await page.getByTestId("attach-input").setInputFiles({
    name: "setup.exe",
    mimeType: "application/octet-stream",
    buffer: Buffer.concat([Buffer.from("MZ"), Buffer.alloc(62), Buffer.from("PE\0\0"), Buffer.alloc(200)]),
  });
  await expect(page.locator(".vc-attach-error[role=alert]")).toHaveText(
    "“setup.exe” can't be sent: only images, PDF, text and office documents.",
  );
  await expect(page.getByTestId("pending-attachments")).toHaveCount(0);
});
