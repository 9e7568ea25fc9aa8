/**
 * Which requests npm start's own server serves on Node.js' response (src/server/rest/node-routes.ts): the event
 * stream's GET, with or without the slash and with its query, its id URI-decoded; anything else is Next.js'.
 * (The answers themselves: tests/session-events-http.test.ts, over real HTTP.)
 */
import { describe, expect, it } from "vitest";
import { nodeRouteFor, registerNodeRoute, SESSION_EVENTS_PATH } from "~/server/rest/node-routes";

const handler = () => Promise.resolve(new Response(null));
registerNodeRoute("session events", { method: "GET", pattern: SESSION_EVENTS_PATH, handler });

describe("node routes", () => {
  const id = "3f1c2b9e-8a4d-4c6b-9e2f-1a2b3c4d5e6f";
  it("serves the session event stream's GET", () => {
    for (const url of [
      `/api/chats/sessions/${id}/events/`,
      `/api/chats/sessions/${id}/events`,
      `/api/chats/sessions/${id}/events/?visitor_id=x&last_event_id=1`,
      `/api/chats/sessions/${id}/events?visitor_id=x`,
    ])
      expect(nodeRouteFor("GET", url)).toEqual({ handler, params: { id } });
    expect(nodeRouteFor("GET", "/api/chats/sessions/a%20b/events/")?.params).toEqual({ id: "a b" });
  });

  it("leaves every other method and path to Next.js", () => {
    for (const method of ["HEAD", "POST", "OPTIONS", "DELETE"])
      expect(nodeRouteFor(method, `/api/chats/sessions/${id}/events/`)).toBeUndefined();
    for (const url of [
      `/api/chats/sessions/${id}/`,
      `/api/chats/sessions/${id}/events/more`,
      `/api/chats/sessions/${id}/eventsx`,
      `/api/chats/sessions//events/`,
      `/api/admin/events/`,
      `/x/api/chats/sessions/${id}/events/`,
      `/api/chats/sessions/%E0%A4%A/events/`,
    ])
      expect(nodeRouteFor("GET", url), url).toBeUndefined();
  });
});
