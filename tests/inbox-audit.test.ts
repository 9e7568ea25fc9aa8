/** Agents' claim, release and close are in the audit log: who, which session, from where (issue 14). */
import { beforeAll, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import { ScriptedResponder } from "../testing/responders";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { adminCaller, bearer } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

describeEachDatabase("the inbox in the audit log", (database) => {
  let deps: ChatDeps;
  beforeAll(() => {
    deps = testDeps(database(), { responder: new ScriptedResponder([]) });
  });

  it("records claim, release and close with the agent and the session", async () => {
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const session = await deps.db.session.create({ data: { visitor_id: visitor.id, mode: "waiting" } });
    const admin = adminCaller(deps, bearer(TEST_ADMIN_API_KEY), "192.0.2.44").admin;
    await admin.sessions.claim({ id: session.id });
    await admin.sessions.release({ id: session.id });
    await admin.sessions.close({ id: session.id });
    const entries = await deps.db.auditEntry.findMany({
      where: { object_id: session.id },
      orderBy: { created_at: "asc" },
    });
    expect(entries.map((entry) => entry.action).sort()).toEqual(
      ["session.claimed", "session.closed", "session.released"].sort(),
    );
    for (const entry of entries)
      expect(entry).toMatchObject({
        actor_kind: "api_key",
        actor_name: "ADMIN_API_KEY",
        object_type: "session",
        client_address: "192.0.2.44",
      });
  });
});
