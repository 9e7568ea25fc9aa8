import type { LadderStep } from "../../testing/migration-ladder";

/** messages.sources is new: every existing message has none. */
export const step: LadderStep = {
  expect(expected) {
    for (const row of expected.get("messages") ?? []) row.sources = [];
  },
};
