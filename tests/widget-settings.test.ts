/**
 * Widget settings (/admin/settings): validation, storage and the per-process cache on both databases, and over
 * real HTTP that each setting reaches the widget page and the public settings, that websites added in the
 * settings get frame-ancestors and CORS answers, and that a change written by another instance shows without a
 * restart.
 */
import { TEST_BY } from "./helpers/deps";
import { describe, expect, it } from "vitest";
import { officeHoursStatus } from "~/components/widget/office-hours";
import { dateGroup } from "~/components/widget/session-list";
import { updateWidgetSettingsInputSchema } from "~/server/admin/settings/widget-settings.schema";
import { normaliseOrigin } from "~/server/protection/origins";
import { contentSecurityPolicy } from "~/server/protection/security-headers";
import {
  getStoredWidgetSettings,
  updateWidgetSettings,
} from "~/server/admin/settings/widget-settings.service";
import { withSettingsOrigins } from "~/server/protection/security-headers";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { describeEachDatabase } from "./helpers/databases";
import { describeEachServer } from "./helpers/server";

const AVATAR =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const FULL = {
  title: "Acme help",
  subtitle: "Humans 9 to 5, the assistant always",
  greeting: "Welcome to Acme! How can we help?",
  accent: "#0E7490",
  launcher_label: "Chat with Acme",
  position: "left" as const,
  suggested_prompts: ["Where is my order?", "How do refunds work?"],
  assistant_name: "Ada",
  assistant_avatar: AVATAR,
  allowed_origins: ["https://blog.example/"],
  office_hours: { timezone: "Europe/Berlin", ranges: [{ day: "mon" as const, from: "09:00", to: "17:00" }] },
};

function issues(input: unknown): Record<string, string[]> {
  const result = updateWidgetSettingsInputSchema.safeParse(input);
  if (result.success) return {};
  const fields: Record<string, string[]> = {};
  for (const issue of result.error.issues) (fields[issue.path.join(".")] ??= []).push(issue.message);
  return fields;
}

describe("widget settings validation (unit)", () => {
  it("accepts a full set and normalises origins", () => {
    const parsed = updateWidgetSettingsInputSchema.parse(FULL);
    expect(parsed.allowed_origins).toEqual(["https://blog.example"]);
    expect(updateWidgetSettingsInputSchema.parse({})).toEqual({});
  });

  it("refuses each bad value with a message naming the field and what to do", () => {
    expect(issues({ accent: "red" }).accent?.[0]).toMatch(/hex colour such as #4f46e5/);
    expect(issues({ position: "top" }).position?.[0]).toMatch(/left or right/);
    expect(issues({ title: "" }).title?.[0]).toMatch(/must not be empty/);
    expect(issues({ title: "x".repeat(61) }).title?.[0]).toMatch(/at most 60/);
    expect(issues({ suggested_prompts: ["a", "b", "c", "d", "e"] }).suggested_prompts?.[0]).toMatch(
      /at most 4/,
    );
    expect(issues({ allowed_origins: ["https://shop.example/path"] })["allowed_origins.0"]?.[0]).toMatch(
      /origin such as https:\/\/shop.example/,
    );
    expect(issues({ allowed_origins: ["javascript:alert(1)"] })["allowed_origins.0"]).toBeDefined();
    expect(issues({ assistant_avatar: "https://cdn.example/a.png" }).assistant_avatar?.[0]).toMatch(
      /data:image/,
    );
    expect(issues({ assistant_avatar: "data:image/svg+xml;base64,PHN2Zz4=" }).assistant_avatar).toBeDefined();
    expect(
      issues({ office_hours: { timezone: "Mars/Olympus", ranges: FULL.office_hours.ranges } }),
    ).toHaveProperty(["office_hours.timezone"]);
    expect(
      issues({ office_hours: { timezone: "UTC", ranges: [{ day: "mon", from: "17:00", to: "09:00" }] } })[
        "office_hours.ranges.0.to"
      ]?.[0],
    ).toMatch(/later than from/);
    expect(issues({ office_hours: { timezone: "UTC", ranges: [] } })["office_hours.ranges"]?.[0]).toMatch(
      /office_hours: null/,
    );
    expect(issues({ colour: "#fff" })[""]?.[0]).toMatch(/colour/);
  });

  it("normalises origins and refuses anything but scheme and host", () => {
    expect(normaliseOrigin("https://Shop.example/")).toBe("https://shop.example");
    expect(normaliseOrigin("http://localhost:3211")).toBe("http://localhost:3211");
    expect(normaliseOrigin("https://shop.example/a")).toBeNull();
    expect(normaliseOrigin("ftp://shop.example")).toBeNull();
    expect(normaliseOrigin("shop.example")).toBeNull();
    // Only scheme, host and port; a wildcard only as a whole leading label over at least two more.
    expect(normaliseOrigin("https://shop.example:8443")).toBe("https://shop.example:8443");
    expect(normaliseOrigin("https://shop.example:443")).toBe("https://shop.example");
    expect(normaliseOrigin("https://*.shop.example")).toBe("https://*.shop.example");
    expect(normaliseOrigin("http://[::1]:3000")).toBe("http://[::1]:3000");
    for (const refused of [
      "https://a.example;sandbox",
      "https://*",
      "https://*.com",
      "https://a.*.example",
      "https://*a.example",
      "https://a.example 'unsafe-inline'",
      "https://user@a.example",
      "https://a.example?x",
      "https://a_b.example",
    ])
      expect(normaliseOrigin(refused), refused).toBeNull();
  });

  it("refuses a website that is not an origin with a 400 naming the field; the CSP holds only origins", () => {
    for (const refused of ["https://a.example;sandbox", "https://*"]) {
      const parsed = updateWidgetSettingsInputSchema.safeParse({
        allowed_origins: ["https://ok.example", refused],
      });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((issue) => issue.path.join("."))).toEqual(["allowed_origins.1"]);
    }
    // Whatever is stored or configured, only origins reach frame-ancestors.
    const policy = withSettingsOrigins(
      {
        widgetAllowedOrigins: "https://shop.example https://x.example;sandbox",
        corsAllowedOrigins: [],
        development: false,
      },
      ["https://a.example;sandbox", "https://*", "https://blog.example"],
    );
    expect(contentSecurityPolicy("widget", "n", policy)).toMatch(
      /frame-ancestors 'self' https:\/\/shop\.example https:\/\/blog\.example$/,
    );
  });

  it("joins the settings' websites to framing and CORS; * stays *", () => {
    const base = { widgetAllowedOrigins: "https://shop.example", corsAllowedOrigins: [], development: false };
    const merged = withSettingsOrigins(base, ["https://blog.example"]);
    expect(merged.widgetAllowedOrigins).toBe("https://shop.example https://blog.example");
    expect(merged.corsAllowedOrigins).toEqual(["https://blog.example"]);
    expect(
      withSettingsOrigins({ ...base, widgetAllowedOrigins: "*" }, ["https://blog.example"]),
    ).toMatchObject({ widgetAllowedOrigins: "*" });
  });

  it("knows when the office is open and when it reopens", () => {
    const hours = {
      timezone: "Europe/Berlin",
      ranges: [{ day: "mon" as const, from: "09:00", to: "17:00" }],
    };
    // Monday 2026-11-23 10:00 in Berlin (UTC+1) is 09:00 UTC.
    expect(officeHoursStatus(hours, new Date("2026-11-23T09:00:00Z"))).toEqual({ open: true });
    const closed = officeHoursStatus(hours, new Date("2026-11-23T16:30:00Z")); // 17:30 Berlin
    expect(closed).toEqual({ open: false, reopensAt: new Date("2026-11-30T08:00:00Z") });
    const sunday = officeHoursStatus(hours, new Date("2026-11-22T22:00:00Z")); // Sunday 23:00 Berlin
    expect(sunday).toEqual({ open: false, reopensAt: new Date("2026-11-23T08:00:00Z") });
    expect(officeHoursStatus(null, new Date())).toEqual({ open: true });
  });

  it("groups conversations by the visitor's calendar day", () => {
    const now = new Date(2026, 10, 26, 10, 0);
    expect(dateGroup(new Date(2026, 10, 26, 0, 5).toISOString(), now)).toBe("today");
    expect(dateGroup(new Date(2026, 10, 25, 23, 55).toISOString(), now)).toBe("yesterday");
    expect(dateGroup(new Date(2026, 10, 20).toISOString(), now)).toBe("earlier");
  });
});

describeEachDatabase("widget settings storage", (database) => {
  it("starts from the defaults, stores a full set, and resets a field sent as null", async () => {
    const deps = { db: database().db };
    const fresh = await getStoredWidgetSettings(deps);
    expect(fresh).toMatchObject({ title: "Support", version: 0, office_hours: null, suggested_prompts: [] });

    const saved = await updateWidgetSettings(
      deps,
      updateWidgetSettingsInputSchema.parse(FULL),
      "admin@example.com",
      "*",
      TEST_BY,
    );
    expect(saved).toMatchObject({
      ...FULL,
      accent: "#0e7490",
      allowed_origins: ["https://blog.example"],
      version: 1,
      updated_by: "admin@example.com",
      env_allowed_origins: "*",
    });

    const reset = await updateWidgetSettings(
      deps,
      { ...FULL, title: null, office_hours: null },
      "x",
      "*",
      TEST_BY,
    );
    expect(reset).toMatchObject({ title: "Support", office_hours: null, version: 2 });
  });

  it("sees a save made by another instance once its copy is older than the cache window", async () => {
    const deps = { db: database().db };
    const before = await getStoredWidgetSettings(deps);
    // Another instance saves: the row changes and its version grows.
    await database().db.widgetSettings.update({
      where: { id: 1 },
      data: { title: "From elsewhere", version: { increment: 1 } },
    });
    expect((await getStoredWidgetSettings(deps)).title).toBe(before.title); // within the window: cached
    const cache = globalThis as { __visitorChatWidgetSettings?: { checkedAt: number } };
    if (cache.__visitorChatWidgetSettings) cache.__visitorChatWidgetSettings.checkedAt = 0; // the window passes
    expect(await getStoredWidgetSettings(deps)).toMatchObject({
      title: "From elsewhere",
      version: before.version + 1,
    });
  });
});

const admin = { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, "content-type": "application/json" };

describeEachServer(
  "widget settings over HTTP (next start)",
  (target) => {
    const url = (path: string) => `${target().baseUrl}${path}`;

    async function preflight(origin: string, path = "/api/chats/visitors/") {
      return fetch(url(path), {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST" },
      });
    }

    it("answers only the env's sites before any setting, then refuses bad settings with field detail", async () => {
      const widget = await fetch(url("/widget"));
      expect(widget.headers.get("content-security-policy")).toMatch(
        /frame-ancestors 'self' https:\/\/shop\.example$/,
      );
      expect((await preflight("https://blog.example")).headers.get("access-control-allow-origin")).toBeNull();

      const bad = await fetch(url("/api/admin/settings/"), {
        method: "PUT",
        headers: admin,
        body: JSON.stringify({ accent: "blue", allowed_origins: ["https://blog.example/shop"] }),
      });
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: { code: string; fields?: Record<string, string[]> } };
      expect(JSON.stringify(body)).toMatch(/accent must be a hex colour/);
      expect(JSON.stringify(body)).toMatch(/allowed_origins\.0/);
    });

    it("saves every setting and each one reaches the widget page and the public settings", async () => {
      const put = await fetch(url("/api/admin/settings/"), {
        method: "PUT",
        headers: admin,
        body: JSON.stringify(FULL),
      });
      expect(put.status).toBe(200);
      const saved = (await put.json()) as { data: Record<string, unknown> };
      expect(saved.data).toMatchObject({
        title: FULL.title,
        version: 1,
        allowed_origins: ["https://blog.example"],
      });

      const get = (await (await fetch(url("/api/admin/settings/"), { headers: admin })).json()) as {
        data: Record<string, unknown>;
      };
      expect(get.data).toMatchObject({
        ...FULL,
        accent: "#0e7490",
        allowed_origins: ["https://blog.example"],
      });

      const pub = await fetch(url("/api/chats/widget/"));
      expect(pub.status).toBe(200);
      const config = ((await pub.json()) as { data: Record<string, unknown> }).data;
      expect(config).toMatchObject({
        title: FULL.title,
        subtitle: FULL.subtitle,
        launcher_label: FULL.launcher_label,
        position: "left",
        accent: "#0e7490",
      });
      expect(config).not.toHaveProperty("allowed_origins");
      expect(config).not.toHaveProperty("updated_by");

      const html = await (await fetch(url("/widget"))).text();
      for (const text of [FULL.title, FULL.subtitle, FULL.greeting, FULL.assistant_name, AVATAR])
        expect(html).toContain(text.replace(/'/g, "&#x27;"));
      expect(html).toContain("#0e7490");
      // The embed's data-attributes (the iframe's query) still override per page.
      const overridden = await (await fetch(url("/widget?title=Per%20page&accent=%23ff0000"))).text();
      expect(overridden).toContain("Per page");
      expect(overridden).toContain("#ff0000");
      expect(overridden).toContain(FULL.subtitle);
    });

    it("lets a website added in the settings frame the widget and call the REST API (CORS)", async () => {
      await expect
        .poll(async () => (await fetch(url("/widget"))).headers.get("content-security-policy"))
        .toMatch(/frame-ancestors 'self' https:\/\/shop\.example https:\/\/blog\.example$/);
      const allowed = await preflight("https://blog.example");
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://blog.example");
      // The public settings answer every site that may frame the widget; others get no CORS headers.
      const config = await fetch(url("/api/chats/widget/"), { headers: { origin: "https://shop.example" } });
      expect(config.headers.get("access-control-allow-origin")).toBe("https://shop.example");
      const stranger = await fetch(url("/api/chats/widget/"), {
        headers: { origin: "https://evil.example" },
      });
      expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
      expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
      // Other pages still cannot be framed by it.
      expect((await fetch(url("/"))).headers.get("content-security-policy")).toMatch(
        /frame-ancestors 'self'$/,
      );
    });

    it("shows a change saved by another instance without a restart", async () => {
      await target().database.db.widgetSettings.update({
        where: { id: 1 },
        data: {
          title: "Saved elsewhere",
          allowed_origins: ["https://other.example"],
          version: { increment: 1 },
        },
      });
      await expect
        .poll(
          async () =>
            ((await (await fetch(url("/api/chats/widget/"))).json()) as { data: { title: string } }).data
              .title,
          {
            timeout: 15_000,
          },
        )
        .toBe("Saved elsewhere");
      await expect
        .poll(
          async () => (await preflight("https://other.example")).headers.get("access-control-allow-origin"),
          {
            timeout: 15_000,
          },
        )
        .toBe("https://other.example");
      expect((await preflight("https://blog.example")).headers.get("access-control-allow-origin")).toBeNull();
    });
  },
  {
    env: () => ({
      WIDGET_ALLOWED_ORIGINS: "https://shop.example",
      CORS_ALLOWED_ORIGINS: "https://app.example",
    }),
  },
);
