/**
 * The inbox and the transcript page list a visitor's metadata beside the context panel only where the panel does
 * not show it (the raw user agent is the browser line's title): CONTEXT_METADATA_KEYS are the keys the panel's
 * context is read from, checked against the server's reading on both databases (a key it stopped reading would be
 * hidden from the team).
 */
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { visitorContextOf } from "~/server/admin/sessions/visitor-context";
import { CONTEXT_METADATA_KEYS, metadataBeyondContext, rawUserAgent } from "~/shared/visitor-metadata";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SAMPLE: Record<(typeof CONTEXT_METADATA_KEYS)[number], string> = {
  user_agent: FIREFOX,
  locale: "de-AT",
  page_url: "https://shop.example/start",
  referrer: "https://search.example/?q=shoes",
  name: "Dora",
  unverified_user_id: "u-42",
};

it("keeps only what the panel does not show, and the raw user agent apart", () => {
  expect(metadataBeyondContext({ ...SAMPLE, plan: "pro", seats: 3 })).toEqual({ plan: "pro", seats: 3 });
  expect(metadataBeyondContext(SAMPLE)).toEqual({});
  expect(metadataBeyondContext({})).toEqual({});
  expect(rawUserAgent(SAMPLE)).toBe(FIREFOX);
  expect(rawUserAgent({ user_agent: "  " })).toBeNull();
  expect(rawUserAgent({ user_agent: 42 })).toBeNull();
  expect(rawUserAgent({})).toBeNull();
});

describeEachDatabase("the context panel's metadata keys", (database) => {
  it("are each read into the visitor's context by the server", async () => {
    const deps = testDeps(database());
    const contextWith = (metadata: Record<string, unknown>) =>
      visitorContextOf(
        deps,
        { id: randomUUID(), metadata, context: null, user_id: null, email: null },
        randomUUID(),
      );
    const bare = await contextWith({});
    for (const key of CONTEXT_METADATA_KEYS) {
      const withKey = await contextWith({ [key]: SAMPLE[key] });
      expect(withKey, key).not.toEqual(bare);
    }
    // A host's own key is not part of the context: the pages list it as the visitor's other details.
    expect(await contextWith({ plan: "pro" })).toEqual(bare);
  });
});
