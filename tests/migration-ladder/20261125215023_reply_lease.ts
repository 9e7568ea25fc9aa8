import type { LadderStep } from "../../testing/migration-ladder";

/** messages.saved_at is new: SQLite copies created_at into it; PostgreSQL stamps the time of the upgrade. */
export const step: LadderStep = {
  expect(expected, after, dialect) {
    const rows = expected.get("messages") ?? [];
    rows.forEach((row, index) => {
      const now = after.get("messages")?.[index];
      row.saved_at = dialect === "sqlite" ? row.created_at : now?.saved_at;
      if (typeof row.saved_at !== "string")
        throw new Error(`messages row ${index} has no saved_at after the upgrade`);
    });
  },
};
