/**
 * The team report as an admin uses it: after a conversation today, /admin/reports shows it in the figures (the
 * same as the API answers), by day and by agent, and downloads the CSV. Screenshots at 1280 and 390 px go to
 * test-results/ for review (not committed).
 */
import { readFile } from "node:fs/promises";
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, signInAdmin, test } from "./helpers";

interface Envelope<T> {
  data: T;
}

test("the reports page shows today's conversation, switches to agents and downloads the CSV", async ({
  page,
  request,
}) => {
  // A conversation today, made the way the widget makes one (the assistant answers it).
  const visitor = await request.post("/api/chats/visitors/", { data: { metadata: {} } });
  const visitorId = ((await visitor.json()) as Envelope<{ id: string }>).data.id;
  const session = await request.post("/api/chats/sessions/", { data: { visitor_id: visitorId } });
  const sessionId = ((await session.json()) as Envelope<{ id: string }>).data.id;
  const chat = await request.post("/api/chats/messages/chat/", {
    data: { session_id: sessionId, visitor_id: visitorId, message: "How do I add the widget?" },
  });
  expect(chat.ok()).toBe(true);

  await signInAdmin(page, "/admin/reports");
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation").getByRole("link", { name: "Reports" })).toBeVisible();

  // The page's figures are the API's (read with the same sign-in), and include the conversation just made.
  const api = await page.request.get("/api/admin/reports/");
  const report = ((await api.json()) as Envelope<{ totals: { conversations: number }; rows: unknown[] }>)
    .data;
  expect(report.totals.conversations).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("report-total-conversations")).toHaveText(
    String(report.totals.conversations),
  );
  const table = page.getByTestId("report-table");
  await expect(table.locator("tbody tr")).toHaveCount(7);
  await expect(table.locator("tfoot")).toContainText(String(report.totals.conversations));
  await expect(page.getByRole("img", { name: /Conversations: \d+ in 7 rows/ })).toBeVisible();

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: "test-results/reports-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/reports-390.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // By agent: the assistant's conversations are under "No agent".
  await page.getByLabel("Group by").selectOption("agent");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/group=agent/);
  await expect(table.locator("tbody")).toContainText("No agent");
  await page.screenshot({ path: "test-results/reports-agent-1280.png", fullPage: true });

  // The CSV download: the same groups, a total row.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("report-csv").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^report-agent-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]).toBe(
    "group,conversations,handoffs,first_response_p50_seconds,first_response_p90_seconds," +
      "resolution_p50_seconds,resolution_p90_seconds,csat_average,csat_count,bot_resolution_rate",
  );
  expect(lines.at(-1)).toMatch(new RegExp(`^total,${report.totals.conversations},`));
});

test.describe("in Arabic", () => {
  test.use({ locale: "ar" });

  test("the reports page reads right to left, its chart left to right", async ({ page }) => {
    const ar = JSON.parse(await readFile("messages/ar.json", "utf8")) as {
      AdminReports: { heading: string; csv: string; columns: { conversations: string } };
      AdminSignIn: { email: string; password: string; submit: string };
    };
    // The sign-in page is in Arabic too.
    await page.goto(`/admin/sign-in?next=${encodeURIComponent("/admin/reports")}`);
    await page.getByLabel(ar.AdminSignIn.email, { exact: true }).fill(ADMIN_EMAIL);
    await page.getByLabel(ar.AdminSignIn.password, { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: ar.AdminSignIn.submit, exact: true }).click();
    await expect(page).toHaveURL(/\/admin\/reports$/);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.getByRole("heading", { level: 1, name: ar.AdminReports.heading })).toBeVisible();
    await expect(page.getByTestId("report-csv")).toHaveText(ar.AdminReports.csv);
    await expect(page.getByTestId("report-table").locator("thead")).toContainText(
      ar.AdminReports.columns.conversations,
    );
    await expect(page.locator("svg.chart")).toHaveCSS("direction", "ltr");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: "test-results/reports-ar-1280.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "test-results/reports-ar-390.png", fullPage: true });
  });
});
