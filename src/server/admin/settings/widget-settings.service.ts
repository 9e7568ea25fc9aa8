import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { commitInTransaction } from "../../chat/events/commit-change";
import type { Db } from "../../db/client";
import type { Locale } from "~/i18n/locales";
import {
  officeHoursSchema,
  WIDGET_SETTING_DEFAULTS as D,
  widgetTranslationsSchema,
  type PublicWidgetSettings,
  type UpdateWidgetSettingsInput,
  type WidgetSettingsDto,
  type WidgetTranslations,
} from "./widget-settings.schema";

/**
 * The widget settings: one row (id 1) of `widget_settings`, edited at /admin/settings, read by the widget page,
 * GET /api/widget/config (embed.js) and the proxy (frame-ancestors, CORS) on every instance.
 *
 * Cache: each process keeps the last row it read. For CACHE_FRESH_MS it is used as is; after that the next reader
 * asks the database only for `version` (a primary-key read of one integer) and reloads the row only when the
 * version changed. A save on this instance replaces its copy at once; on other instances it shows within
 * CACHE_FRESH_MS. So no restart is needed and a busy instance reads the table at most once every few seconds.
 */
export const CACHE_FRESH_MS = 3_000;
const ROW_ID = 1;
const ALWAYS_OPEN = { always_open: true };

type StoredSettings = Omit<WidgetSettingsDto, "env_allowed_origins">;

interface CacheEntry {
  value: StoredSettings;
  checkedAt: number;
  /** The database the value came from (tests run several). */
  db: Db;
}

const globalCache = globalThis as typeof globalThis & {
  __visitorChatWidgetSettings?: CacheEntry;
  __visitorChatWidgetSettingsLoad?: Promise<StoredSettings>;
};

interface SettingsRow {
  version: number;
  title: string | null;
  subtitle: string | null;
  greeting: string | null;
  accent: string | null;
  launcher_label: string | null;
  position: string | null;
  suggested_prompts: unknown;
  assistant_name: string | null;
  assistant_avatar: string | null;
  allowed_origins: unknown;
  office_hours: unknown;
  translations: unknown;
  ai_disclosure: boolean;
  auto_assign: boolean;
  agent_capacity: number;
  updated_at: Date;
  updated_by: string | null;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];

function toSettings(row: SettingsRow | null): StoredSettings {
  if (!row)
    return {
      ...D,
      position: D.position,
      suggested_prompts: [],
      allowed_origins: [],
      translations: {},
      version: 0,
      updated_at: null,
      updated_by: null,
    };
  const officeHours = officeHoursSchema.safeParse(row.office_hours);
  const translations = widgetTranslationsSchema.safeParse(row.translations);
  return {
    title: row.title ?? D.title,
    subtitle: row.subtitle ?? D.subtitle,
    greeting: row.greeting ?? D.greeting,
    accent: row.accent ?? D.accent,
    launcher_label: row.launcher_label ?? D.launcher_label,
    position: row.position === "left" ? "left" : "right",
    suggested_prompts: strings(row.suggested_prompts),
    assistant_name: row.assistant_name ?? D.assistant_name,
    assistant_avatar: row.assistant_avatar,
    allowed_origins: strings(row.allowed_origins),
    office_hours: officeHours.success ? officeHours.data : null,
    translations: translations.success ? translations.data : {},
    ai_disclosure: row.ai_disclosure,
    auto_assign: row.auto_assign,
    agent_capacity: row.agent_capacity,
    version: row.version,
    updated_at: row.updated_at.toISOString(),
    updated_by: row.updated_by,
  };
}

async function load(db: Db): Promise<StoredSettings> {
  return toSettings(await db.widgetSettings.findUnique({ where: { id: ROW_ID } }));
}

/** The current settings, through the process-wide cache described above. */
export async function getStoredWidgetSettings(deps: Pick<ChatDeps, "db">): Promise<StoredSettings> {
  const cached = globalCache.__visitorChatWidgetSettings;
  const now = Date.now();
  if (cached && cached.db === deps.db && now - cached.checkedAt < CACHE_FRESH_MS) return cached.value;
  globalCache.__visitorChatWidgetSettingsLoad ??= (async () => {
    try {
      if (cached && cached.db === deps.db) {
        const current = await deps.db.widgetSettings.findUnique({
          where: { id: ROW_ID },
          select: { version: true },
        });
        if ((current?.version ?? 0) === cached.value.version) {
          globalCache.__visitorChatWidgetSettings = { ...cached, checkedAt: Date.now() };
          return cached.value;
        }
      }
      const value = await load(deps.db);
      globalCache.__visitorChatWidgetSettings = { value, checkedAt: Date.now(), db: deps.db };
      return value;
    } finally {
      globalCache.__visitorChatWidgetSettingsLoad = undefined;
    }
  })();
  return globalCache.__visitorChatWidgetSettingsLoad;
}

export async function getWidgetSettings(
  deps: Pick<ChatDeps, "db">,
  envAllowedOrigins: string,
): Promise<WidgetSettingsDto> {
  return { ...(await getStoredWidgetSettings(deps)), env_allowed_origins: envAllowedOrigins };
}

/**
 * The texts a visitor in `locale` sees: each one the admin set for that language, else the default (the
 * top-level value). No locale: the defaults.
 */
export function widgetTextsFor(
  settings: Pick<StoredSettings, "title" | "subtitle" | "greeting" | "suggested_prompts" | "translations">,
  locale: Locale | null | undefined,
): Pick<StoredSettings, "title" | "subtitle" | "greeting" | "suggested_prompts"> {
  const own = locale ? settings.translations[locale] : undefined;
  return {
    title: own?.title ?? settings.title,
    subtitle: own?.subtitle ?? settings.subtitle,
    greeting: own?.greeting ?? settings.greeting,
    suggested_prompts: own?.suggested_prompts ?? settings.suggested_prompts,
  };
}

/** What a visitor's browser gets, with the texts of the visitor's language (`locale`) where set. */
export function publicWidgetSettings(settings: StoredSettings, locale?: Locale | null): PublicWidgetSettings {
  return {
    ...widgetTextsFor(settings, locale),
    accent: settings.accent,
    launcher_label: settings.launcher_label,
    position: settings.position,
    assistant_name: settings.assistant_name,
    assistant_avatar: settings.assistant_avatar,
    office_hours: settings.office_hours,
    ai_disclosure: settings.ai_disclosure,
  };
}

/** Per-language texts as stored: languages with no text left out. */
function compactTranslations(translations: WidgetTranslations | null | undefined): WidgetTranslations {
  const result: WidgetTranslations = {};
  for (const [locale, texts] of Object.entries(translations ?? {}) as [
    Locale,
    WidgetTranslations[Locale],
  ][]) {
    const kept = Object.fromEntries(Object.entries(texts ?? {}).filter(([, value]) => value !== undefined));
    if (Object.keys(kept).length > 0) result[locale] = kept;
  }
  return result;
}

/** The names of the settings a save changes (for the audit entry: names only, never the values). */
function changedFields(before: StoredSettings, after: StoredSettings): string[] {
  const names = Object.keys(after).filter(
    (name) => !["version", "updated_at", "updated_by"].includes(name),
  ) as (keyof StoredSettings)[];
  return names.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
}

/**
 * Replaces the settings (PUT): a field left out or null goes back to its default. Audited (settings.changed:
 * the new version and the names of the settings changed) with `by`, in the save's transaction.
 */
export async function updateWidgetSettings(
  deps: Pick<ChatDeps, "db">,
  input: UpdateWidgetSettingsInput,
  updatedBy: string,
  envAllowedOrigins: string,
  by: AuditBy,
): Promise<WidgetSettingsDto> {
  const data = {
    title: input.title ?? null,
    subtitle: input.subtitle ?? null,
    greeting: input.greeting ?? null,
    accent: input.accent?.toLowerCase() ?? null,
    launcher_label: input.launcher_label ?? null,
    position: input.position ?? null,
    suggested_prompts: input.suggested_prompts ?? [],
    assistant_name: input.assistant_name ?? null,
    assistant_avatar: input.assistant_avatar ?? null,
    allowed_origins: [...new Set(input.allowed_origins ?? [])],
    // "Always open" is stored as a marker object: SQL NULL in a nullable JSON column needs each generated
    // client's own DbNull value, and the domain is written against one client type for both dialects.
    office_hours: input.office_hours ?? ALWAYS_OPEN,
    translations: compactTranslations(input.translations),
    ai_disclosure: input.ai_disclosure ?? D.ai_disclosure,
    auto_assign: input.auto_assign ?? D.auto_assign,
    agent_capacity: input.agent_capacity ?? D.agent_capacity,
    updated_by: updatedBy,
  };
  const value = await commitInTransaction(deps, async (tx) => {
    const before = toSettings(await tx.widgetSettings.findUnique({ where: { id: ROW_ID } }));
    const row = await tx.widgetSettings.upsert({
      where: { id: ROW_ID },
      create: { id: ROW_ID, ...data },
      update: { ...data, version: { increment: 1 } },
    });
    const after = toSettings(row);
    return {
      result: after,
      audit: {
        ...by,
        action: "settings.changed",
        object: { type: "widget_settings", id: String(after.version) },
        detail: { version: after.version, fields: changedFields(before, after).join(",") },
      },
    };
  });
  globalCache.__visitorChatWidgetSettings = { value, checkedAt: Date.now(), db: deps.db };
  return { ...value, env_allowed_origins: envAllowedOrigins };
}

/** How a principal is named in `updated_by`. */
export function describeActor(
  principal:
    { kind: "session"; email: string } | { kind: "api_key"; apiKeyId: string } | { kind: "bootstrap_key" },
): string {
  if (principal.kind === "session") return principal.email;
  if (principal.kind === "api_key") return `api key ${principal.apiKeyId}`;
  return "bootstrap key";
}
