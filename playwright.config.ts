import { defineConfig, devices } from "@playwright/test";

// E2E_PORT_BASE lets several checkouts run the browser tests at once on one machine (default 3210/3211).
const APP_PORT = Number(process.env.E2E_PORT_BASE ?? 3210);
const HOST_PORT = APP_PORT + 1;
export const APP_ORIGIN = `http://localhost:${APP_PORT}`;
export const HOST_ORIGIN = `http://127.0.0.1:${HOST_PORT}`;

/**
 * End-to-end tests: real server (`next start` on a fresh SQLite file), real browser (Debian's Chromium; the
 * Playwright download cannot work offline). A second tiny server on another origin plays a customer's site.
 */
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: APP_ORIGIN,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      command: "npx tsx e2e/start-app.ts",
      url: `${APP_ORIGIN}/widget`,
      env: { E2E_APP_PORT: String(APP_PORT) },
      timeout: 180_000,
      reuseExistingServer: !process.env.CI,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "npx tsx e2e/host-server.ts",
      url: `${HOST_ORIGIN}/`,
      env: { E2E_HOST_PORT: String(HOST_PORT), E2E_APP_ORIGIN: APP_ORIGIN },
      reuseExistingServer: !process.env.CI,
    },
  ],
});
