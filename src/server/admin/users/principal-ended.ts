/**
 * Someone's access ended (a user disabled): what must stop at once beyond their sessions — their open event
 * streams on every instance — listens here. disableUser announces it after its change is committed.
 */
export interface EndedPrincipal {
  kind: "admin_user";
  id: string;
}

type Listener = (principal: EndedPrincipal) => Promise<void> | void;
const listeners = new Set<Listener>();

/** Registers what to do when a principal's access ends; answers the unregistration. */
export function onPrincipalEnded(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Runs every listener (each one's failure is its own: the others still run), then settles. */
export async function announcePrincipalEnded(principal: EndedPrincipal): Promise<void> {
  await Promise.allSettled([...listeners].map(async (listener) => listener(principal)));
}
