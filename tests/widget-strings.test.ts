/**
 * Texts the widget shows that mirror the server's (the widget may not import the error table or the limits):
 * they must stay the same as the server's one place.
 */
import { describe, expect, it } from "vitest";
import { WIDGET_TEXT } from "../src/components/widget/strings";
import { LIMITS } from "../src/server/chat/limits";
import { MESSAGE_MAX_CHARS } from "../src/server/chat/messages/message-limits";
import { APP_ERRORS } from "../src/server/errors/app-error";

describe("widget texts and limits", () => {
  it("a failed reply says what the server's REPLY_FAILED says", () => {
    expect(WIDGET_TEXT.replyFailed).toBe(APP_ERRORS.REPLY_FAILED.message);
  });
  it("the composer's limit is the server's message limit", () => {
    expect(MESSAGE_MAX_CHARS).toBe(LIMITS.messageMaxChars);
  });
});
