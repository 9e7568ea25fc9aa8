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
