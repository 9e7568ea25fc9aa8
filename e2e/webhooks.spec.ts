/**
 * /admin/webhooks as an admin uses it: a URL inside the network is refused (SSRF), a public one is registered
 * and its secret shown once; a new visitor queues a delivery, which shows its attempt (here it cannot reach the
 * receiver) and can be resent; the endpoint can be disabled, which Resend respects, and deleted.
 */
import { expect, test } from "./helpers";

const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "e2e-admin@example.com";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e admin password 2026";
/** A public address (documentation-adjacent, not reachable from here): accepted, its deliveries fail. */
const PUBLIC_HOOK = `https://93.184.215.14/hooks/e2e-${Date.now().toString(36)}`;

test("an admin registers a webhook endpoint, sees its deliveries and resends one", async ({
  page,
  request,
  allowProblems,
}) => {
  test.setTimeout(120_000);
  // The refused URL is a 400 the page shows (and tRPC's logger reports).
  allowProblems(/status of 400/);
  allowProblems(/admin\.webhooks\.create/);
  await page.goto("/admin/webhooks");
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Webhooks" })).toBeVisible();

  await test.step("a URL inside the network is refused", async () => {
    await page.getByLabel("Endpoint URL").fill("http://localhost:3000/hook");
    await page.getByRole("button", { name: "Register endpoint" }).click();
    await expect(page.locator(".error[role=alert]")).toContainText("loopback, private or link-local");
  });

  await test.step("a public URL is registered; its secret is shown once", async () => {
    await page.getByLabel("Endpoint URL").fill(PUBLIC_HOOK);
    await page.getByLabel("session.created").uncheck();
    await page.getByRole("button", { name: "Register endpoint" }).click();
    await expect(page.getByTestId("new-webhook-secret")).toHaveText(/^whsec_/);
    const row = page.getByTestId("webhook-row").filter({ hasText: PUBLIC_HOOK });
    await expect(row).toContainText("enabled");
    // The catalogue's order (src/server/chat/events/catalogue.ts: message.created first).
    await expect(row).toContainText("message.created, visitor.created");
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("new-webhook-secret")).toHaveCount(0);
    await page.reload();
    await expect(page.getByText(/whsec_/)).toHaveCount(0);
  });

  await test.step("a new visitor queues a delivery, shown with its attempt; Resend", async () => {
    const visitor = await request.post("/api/chats/visitors/", { data: {} });
    expect(visitor.status()).toBe(201);
    const row = page.getByTestId("webhook-row").filter({ hasText: PUBLIC_HOOK });
    await row.getByRole("button", { name: "Deliveries" }).click();
    const delivery = page.getByTestId("webhook-delivery-row").filter({ hasText: "visitor.created" });
    await expect(delivery).toBeVisible({ timeout: 30_000 });
    // The receiver cannot be reached from here: the attempt fails and is retried (pending).
    await expect(delivery).toContainText("pending");
    await expect(delivery.getByRole("cell").nth(3)).not.toHaveText("0", { timeout: 60_000 });
    await delivery.getByRole("button", { name: "Resend" }).click();
    await expect(page.locator(".error[role=alert]")).toHaveCount(0);
  });

  await test.step("disabled, it is shown so and Resend is off; then deleted", async () => {
    const row = page.getByTestId("webhook-row").filter({ hasText: PUBLIC_HOOK });
    await row.getByRole("button", { name: "Disable" }).click();
    await expect(row).toContainText("disabled");
    await expect(row).toContainText("Disabled by an admin.");
    await expect(
      page.getByTestId("webhook-delivery-row").first().getByRole("button", { name: "Resend" }),
    ).toBeDisabled();
    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Delete" }).click();
    await expect(page.getByTestId("webhook-row").filter({ hasText: PUBLIC_HOOK })).toHaveCount(0);
  });
});
