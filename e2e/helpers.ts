import {
  test as base,
  expect,
  type BrowserContext,
  type FrameLocator,
  type Locator,
  type Page,
} from "@playwright/test";

export { expect };

/**
 * Console errors, uncaught page errors and CSP violations of every page and frame of `context`, as text.
 * A CSP violation reaches the console only as a warning (or not at all for some directives), so an init
 * script reports each `securitypolicyviolation` event as a console error.
 */
export async function watchProblems(context: BrowserContext): Promise<string[]> {
  const problems: string[] = [];
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}`,
      );
    });
  });
  context.on("console", (message) => {
    if (message.type() === "error") problems.push(`${message.text()} (${message.location().url})`);
  });
  context.on("weberror", (error) => problems.push(`uncaught: ${error.error().message}`));
  return problems;
}

/**
 * The `test` every spec uses: it fails when a page logged a console error or broke its own CSP. A test that
 * expects a console error (a 4xx the page shows) lists it with `allowProblems(/pattern/)`.
 */
export const test = base.extend<{ allowProblems: (pattern: RegExp) => void }>({
  allowProblems: [
    async ({ context }, use) => {
      const problems = await watchProblems(context);
      const allowed: RegExp[] = [];
      await use((pattern) => allowed.push(pattern));
      const unexpected = problems.filter((problem) => !allowed.some((pattern) => pattern.test(problem)));
      expect(unexpected, "console errors or CSP violations on the page").toEqual([]);
    },
    { auto: true },
  ],
});

export const VISITOR_KEY = "visitor-chat:visitor_id";
export const LONG_QUESTION = "How do I add the script tag for the widget?";
/** The same question answered at 150 ms per delta (e2e/slow-replies-preload.mjs): a test that must act mid-reply
 * uses it, so a loaded machine cannot finish the reply before the test has looked. */
export const SLOW_QUESTION = `${LONG_QUESTION} (slowly)`;

type Scope = Page | FrameLocator;

/** The visitor id the widget settled on (exposed as data-visitor-id once start-up is done). */
export async function readyVisitorId(scope: Scope): Promise<string> {
  const root = scope.locator(".vc-widget[data-visitor-id]");
  await expect(root).toBeVisible();
  const id = await root.getAttribute("data-visitor-id");
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return id ?? "";
}

export async function openWidget(page: Page, query = ""): Promise<string> {
  await page.goto(`/widget${query}`);
  return readyVisitorId(page);
}

export function composer(scope: Scope): Locator {
  return scope.getByRole("textbox", { name: "Message" });
}

export async function send(scope: Scope, text: string): Promise<void> {
  await composer(scope).fill(text);
  await composer(scope).press("Enter");
}

export function messages(scope: Scope, role: "user" | "assistant"): Locator {
  return scope.locator(`.vc-messages > .vc-msg-${role}:not(.vc-greeting)`);
}

/** The text of each message bubble (without the screen-reader prefix and time). */
export function bubbles(scope: Scope, role: "user" | "assistant"): Locator {
  return messages(scope, role).locator(".vc-bubble");
}

/** A conversation's open button in the list, by title. */
export function conversation(scope: Scope, title: string | RegExp): Locator {
  return scope
    .getByRole("navigation", { name: "Conversations" })
    .locator(".vc-session-open")
    .filter({ hasText: title });
}

/** Waits until the last reply is complete and returns it. */
export async function completedReply(scope: Scope, timeout = 30_000): Promise<Locator> {
  const reply = messages(scope, "assistant").last();
  await expect(reply).toHaveAttribute("data-state", "complete", { timeout });
  return reply;
}

/** Every tRPC procedure called by the page (batched calls are split). */
export function recordProcedures(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    const match = /\/api\/trpc\/([^?]+)/.exec(request.url());
    if (match?.[1]) seen.push(...decodeURIComponent(match[1]).split(","));
  });
  return seen;
}

export function sessionList(scope: Scope): Locator {
  return scope.getByRole("navigation", { name: "Conversations" }).locator(".vc-session");
}

/** Opens the conversation list when it is a drawer (narrow or embedded); a no-op when it is a sidebar. */
export async function showConversations(scope: Scope): Promise<void> {
  const toggle = scope.getByRole("button", { name: "Conversations" });
  if ((await toggle.isVisible()) && (await toggle.getAttribute("aria-expanded")) !== "true") {
    await toggle.click();
  }
}

export const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "e2e-admin@example.com";
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e admin password 2026";

/** Signs in as the e2e admin (created by e2e/start-app.ts) through the sign-in page. */
export async function signInAdmin(page: Page, next = "/admin"): Promise<void> {
  await page.goto(`/admin/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[/?]/g, "\\$&")}$`));
}
