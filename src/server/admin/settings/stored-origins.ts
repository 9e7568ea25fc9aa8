import { getChatDeps } from "../../runtime/runtime";
import { registerStoredOrigins } from "../../runtime/security-policy";
import { getStoredWidgetSettings } from "./widget-settings.service";

/** The websites added at /admin/settings (the widget settings' cached reader): frame-ancestors and CORS. */
export async function readStoredOrigins(): Promise<readonly string[]> {
  return (await getStoredWidgetSettings(await getChatDeps())).allowed_origins;
}

// Importing this module registers the reader on globalThis for src/proxy.ts, which does not import it (that would
// bundle the runtime and a database client into the proxy's chunk group a further time). Imported at start by
// src/instrumentation.ts, and by the REST headers and the widget page.
registerStoredOrigins(readStoredOrigins);
