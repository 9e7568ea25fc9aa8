/** The widget's own copy of the visitor id (full page, or the fallback inside an iframe). */
export const VISITOR_STORAGE_KEY = "visitor-chat:visitor_id";

export function readStoredVisitorId(): string | null {
  try {
    return window.localStorage.getItem(VISITOR_STORAGE_KEY);
  } catch {
    return null; // storage blocked (third-party iframe, privacy mode)
  }
}

export function storeVisitorId(id: string): void {
  try {
    window.localStorage.setItem(VISITOR_STORAGE_KEY, id);
  } catch {
    // Storage blocked: the id lives in the host page (embed) or only for this page view.
  }
}

/**
 * The conversation an email's link reopens (/widget?visitor=<id>&session=<id>, src/server/chat/email/continuity.ts):
 * a fresh browser comes back as that visitor, on that conversation. Null without both.
 */
export function resumeLinkOf(search: string): { visitorId: string; sessionId: string } | null {
  const params = new URLSearchParams(search);
  const visitorId = params.get("visitor");
  const sessionId = params.get("session");
  return visitorId && sessionId ? { visitorId, sessionId } : null;
}

export function currentResumeLink(): { visitorId: string; sessionId: string } | null {
  return typeof window === "undefined" ? null : resumeLinkOf(window.location.search);
}
