import { env } from "~/env";
import { parseOrigins, type SecurityConfig, withSettingsOrigins } from "../protection/security-headers";
import { logError } from "../observability/logger";

/** The security policy from the environment (parsed once): who may frame the widget, call the REST bridge. */
export const ENV_SECURITY: SecurityConfig = {
  widgetAllowedOrigins: env.WIDGET_ALLOWED_ORIGINS,
  corsAllowedOrigins: parseOrigins(env.CORS_ALLOWED_ORIGINS),
  development: env.NODE_ENV === "development",
};

/**
 * Reads the websites added at /admin/settings (the widget settings' cached reader, see
 * src/server/admin/settings/stored-origins.ts). Passed in, or registered on globalThis, because this module
 * imports neither the runtime nor admin: src/proxy.ts imports it, and everything it imports is bundled again
 * into the proxy's own chunk group and held in memory for the life of the server.
 */
export type StoredOriginsReader = () => Promise<readonly string[]>;

const registry = globalThis as typeof globalThis & { __visitorChatStoredOrigins?: StoredOriginsReader };

/** Makes `reader` the one `registeredOriginsReader` answers (every bundle's copy registers the same reader). */
export function registerStoredOrigins(reader: StoredOriginsReader): void {
  registry.__visitorChatStoredOrigins ??= reader;
}

/** The reader a bundle registered (at start: instrumentation, the REST routes, the widget page), if any yet. */
export function registeredOriginsReader(): StoredOriginsReader | undefined {
  return registry.__visitorChatStoredOrigins;
}

/**
 * The policy with the websites added at /admin/settings (cached per process, see widget-settings.service.ts). If
 * the database cannot be read, the environment's policy alone applies: stricter, never looser.
 */
export async function currentSecurity(readOrigins: StoredOriginsReader): Promise<SecurityConfig> {
  try {
    return withSettingsOrigins(ENV_SECURITY, await readOrigins());
  } catch (error) {
    logError(
      "widget settings unavailable; using WIDGET_ALLOWED_ORIGINS and CORS_ALLOWED_ORIGINS only",
      error,
    );
    return ENV_SECURITY;
  }
}
