/**
 * Saved answer-test suites (issue 22 item 4): a question nobody's articles answer becomes a knowledge gap → "Add to
 * suite" on /admin/gaps puts it into a new suite in one click → the suite is run on /admin/knowledge/tests and its
 * history shows the question, declined, as new.
 */
import { completedReply, expect, openWidget, send, signInAdmin, test } from "./helpers";

test("a gap's question goes into a new suite in one click, and the suite runs with its history", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const marker = Date.now().toString(36);
  const question = `Do you deliver spare parts to the lunar base ${marker}?`;
  const suiteName = `Gaps ${marker}`;

  await openWidget(page);
  await send(page, question);
  await completedReply(page);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInAdmin(admin, "/admin/gaps");

  await test.step("Add to suite on /admin/gaps, into a new suite", async () => {
    const row = admin.getByTestId("gap-group").filter({ hasText: marker });
    await expect(row).toHaveCount(1);
    const form = row.getByTestId("add-to-suite");
    await form.getByRole("combobox").selectOption({ label: "New suite…" });
    await form.getByRole("textbox", { name: "Name of the new suite" }).fill(suiteName);
    await form.getByRole("button", { name: "Add to suite" }).click();
    await expect(form.getByRole("status")).toHaveText(`Added to “${suiteName}”.`);
  });

  await test.step("the suite runs on /admin/knowledge/tests; its history shows the question", async () => {
    await admin.goto("/admin/knowledge/tests");
    const suite = admin.getByTestId("answer-test-suite").filter({ hasText: suiteName });
    await expect(suite).toContainText("1 question");
    await expect(suite).toContainText("Not run yet");
    await suite.getByRole("button", { name: "Run", exact: true }).click();
    const history = suite.getByTestId("answer-test-history");
    await expect(history).toContainText(question);
    await expect(history.locator("tr[data-change='new']")).toHaveCount(1);
    await expect(suite).toContainText(/Last run .*: 1 of 1 passed/);
    await admin.screenshot({ path: "e2e/artifacts/answer-test-suite-history.png", fullPage: true });
  });
  await adminContext.close();
});
