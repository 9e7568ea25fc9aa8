import { env } from "~/env";
import type { ChatDeps } from "../chat/deps";
import { parseOrigins, type SecurityConfig, withSettingsOrigins } from "../protection/security-headers";
import { getChatDeps } from "./runtime";
import { logError } from "../observability/logger";

/** The security policy from the environment (parsed once): who may frame the widget, call the REST bridge. */
export const ENV_SECURITY: SecurityConfig = {
  widgetAllowedOrigins: env.WIDGET_ALLOWED_ORIGINS,
  corsAllowedOrigins: parseOrigins(env.CORS_ALLOWED_ORIGINS),
  development: env.NODE_ENV === "development",
};

/**
 * Reads the websites added at /admin/settings: the widget settings' cached reader (`getStoredWidgetSettings` in
 * src/server/admin/settings), passed in by the caller, as the runtime does not import admin.
 */
export type SettingsReader = (deps: Pick<ChatDeps, "db">) => Promise<{ allowed_origins: string[] }>;

/**
 * The policy with the websites added at /admin/settings (cached per process, see widget-settings.service.ts). If
 * the database cannot be read, the environment's policy alone applies: stricter, never looser.
 */
export async function currentSecurity(readSettings: SettingsReader): Promise<SecurityConfig> {
  try {
    const settings = await readSettings(await getChatDeps());
    return withSettingsOrigins(ENV_SECURITY, settings.allowed_origins);
  } catch (error) {
    logError(
      "widget settings unavailable; using WIDGET_ALLOWED_ORIGINS and CORS_ALLOWED_ORIGINS only",
      error,
    );
    return ENV_SECURITY;
  }
}
