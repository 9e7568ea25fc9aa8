import { APP_ORIGIN } from "../playwright.config";
import { expect, test } from "./helpers";

test("Swagger UI lists the steps in order and 'Execute' (try it out is on) calls this server", async ({
  page,
}) => {
  const external: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(APP_ORIGIN + "/")) external.push(request.url());
  });
  await page.goto("/api/docs/");
  await expect(page.locator(".opblock-tag-section h3")).toHaveText([
    /^Visitors/,
    /^Sessions/,
    /^Messages/,
    /^Attachments/,
    /^Widget/,
    /^Admin/,
    /^Admin knowledge base/,
    /^Webhooks/,
    /^Admin inbox/,
    /^Admin team/,
    /^Email/,
  ]);
  await expect(page.getByText("STEP 1 — When your chat loads")).toBeVisible();

  const create = page.locator("#operations-Visitors-visitors-create");
  await create.locator(".opblock-summary").click();
  await create.getByRole("button", { name: "Execute" }).click();
  await expect(create.locator(".live-responses-table tbody .response-col_status").first()).toHaveText("201");
  await expect(create.locator(".live-responses-table .microlight").first()).toContainText('"success": true');
  expect(external, "Swagger UI loads nothing from elsewhere").toEqual([]);
});
