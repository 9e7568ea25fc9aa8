/**
 * Limits of the widget settings (/admin/settings, PUT /api/admin/settings/): the server's zod schema enforces them,
 * the settings page's inputs show them. Pure, without zod (zod in the page's bundle would bring its eval probe,
 * which the pages' CSP reports).
 */
export const MAX_SUGGESTED_PROMPTS = 4;
export const MAX_ALLOWED_ORIGINS = 50;
/** A data: URL of at most this many characters (about 48 KB of image). */
export const MAX_AVATAR_LENGTH = 65_536;
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** Characters of each text setting, after trimming. */
export const WIDGET_TEXT_MAX_CHARS = {
  title: 60,
  subtitle: 120,
  greeting: 500,
  launcher_label: 40,
  suggested_prompt: 120,
  assistant_name: 40,
} as const;

/** The most open conversations an agent can be set to hold under auto-assignment (agent_capacity). */
export const MAX_AGENT_CAPACITY = 50;
