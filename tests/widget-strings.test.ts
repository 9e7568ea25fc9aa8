/**
 * Texts the widget shows that mirror the server's (the widget may not import the error table or the limits):
 * the English catalogue (messages/en.json, namespace Widget) must say what the server's one place says.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../src/server/chat/limits";
import { MESSAGE_MAX_CHARS } from "../src/server/chat/messages/message-limits";
import { WIDGET_SETTING_DEFAULTS } from "../src/server/admin/settings/widget-settings.schema";
import { APP_ERRORS } from "../src/server/errors/app-error";

interface WidgetCatalogue {
  Widget: {
    errors: { replyFailed: string };
    defaults: { title: string; subtitle: string; greeting: string; assistantName: string };
  };
}

const english = JSON.parse(readFileSync(path.join("messages", "en.json"), "utf8")) as WidgetCatalogue;

describe("widget texts and limits", () => {
  it("a failed reply says what the server's REPLY_FAILED says", () => {
    expect(english.Widget.errors.replyFailed).toBe(APP_ERRORS.REPLY_FAILED.message);
  });
  it("the English defaults are the server's stock settings (src/app/widget/page.tsx recognises them by these)", () => {
    expect(english.Widget.defaults).toEqual({
      title: WIDGET_SETTING_DEFAULTS.title,
      subtitle: WIDGET_SETTING_DEFAULTS.subtitle,
      greeting: WIDGET_SETTING_DEFAULTS.greeting,
      assistantName: WIDGET_SETTING_DEFAULTS.assistant_name,
    });
  });
  it("the composer's limit is the server's message limit", () => {
    expect(MESSAGE_MAX_CHARS).toBe(LIMITS.messageMaxChars);
  });
});
