import { z } from "zod";
import { normaliseOrigin } from "../../protection/origins";
import { LOCALES, type Locale } from "~/i18n/locales";
import {
  MAX_AGENT_CAPACITY,
  MAX_ALLOWED_ORIGINS,
  MAX_AVATAR_LENGTH,
  MAX_SUGGESTED_PROMPTS,
  WEEKDAYS,
  WIDGET_TEXT_MAX_CHARS,
} from "~/shared/widget-settings";

export { MAX_ALLOWED_ORIGINS, MAX_AVATAR_LENGTH, MAX_SUGGESTED_PROMPTS, WEEKDAYS };

/** What the widget shows when a setting was never saved (and what the admin page offers as the starting point). */
export const WIDGET_SETTING_DEFAULTS = {
  title: "Support",
  subtitle: "The assistant replies in seconds",
  greeting: "Hi there! Ask us anything about Visitor Chat. We usually answer right away.",
  accent: "#4f46e5",
  launcher_label: "",
  position: "right",
  suggested_prompts: [] as string[],
  assistant_name: "Assistant",
  assistant_avatar: null as string | null,
  allowed_origins: [] as string[],
  office_hours: null as OfficeHours | null,
  translations: {} as WidgetTranslations,
  ai_disclosure: true,
  auto_assign: false,
  agent_capacity: 3,
} as const;

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const AVATAR_DATA_URL = /^data:image\/(?:png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/;
const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const textSetting = (field: string, min: number, max: number) =>
  z
    .string({ error: `${field} must be text` })
    .trim()
    .min(min, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`);

export const officeHoursSchema = z
  .strictObject({
    timezone: z
      .string({ error: "office_hours.timezone is required, e.g. Europe/Berlin" })
      .refine(isTimeZone, "office_hours.timezone must be an IANA time zone such as Europe/Berlin or UTC"),
    ranges: z
      .array(
        z
          .strictObject({
            day: z.enum(WEEKDAYS, { error: `day must be one of ${WEEKDAYS.join(", ")}` }),
            from: z.string().regex(TIME, "from must be a time HH:MM, e.g. 09:00"),
            to: z.string().regex(TIME, "to must be a time HH:MM, e.g. 17:30 (24:00 is written 23:59)"),
          })
          .refine((range) => range.from < range.to, {
            message: "to must be later than from (a range ends on the day it starts)",
            path: ["to"],
          }),
      )
      .min(1, "office_hours.ranges needs at least one range; send office_hours: null for always open")
      .max(28, "office_hours.ranges allows at most 28 ranges"),
  })
  .meta({
    id: "OfficeHours",
    description:
      "When someone answers. Outside these weekly ranges (wall-clock time in `timezone`) visitors see when you are back.",
  });
export type OfficeHours = z.infer<typeof officeHoursSchema>;

const suggestedPromptsSchema = z
  .array(textSetting("suggested prompt", 1, WIDGET_TEXT_MAX_CHARS.suggested_prompt))
  .max(MAX_SUGGESTED_PROMPTS, `suggested_prompts allows at most ${MAX_SUGGESTED_PROMPTS} prompts`);

/** The texts that can be set per language; a field left out uses the default (the top-level value). */
export const widgetTextsSchema = z
  .strictObject({
    title: textSetting("title", 1, WIDGET_TEXT_MAX_CHARS.title).optional(),
    subtitle: textSetting("subtitle", 0, WIDGET_TEXT_MAX_CHARS.subtitle).optional(),
    greeting: textSetting("greeting", 1, WIDGET_TEXT_MAX_CHARS.greeting).optional(),
    suggested_prompts: suggestedPromptsSchema.optional(),
  })
  .meta({
    id: "WidgetTexts",
    description:
      "One language's title, subtitle, greeting and suggested prompts; a field left out uses the default.",
  });
export type WidgetTexts = z.infer<typeof widgetTextsSchema>;

/** Per-language texts keyed by locale (en, de, fr, es, ar); a language left out uses the defaults. */
export const widgetTranslationsSchema = z
  .strictObject(
    Object.fromEntries(LOCALES.map((locale) => [locale, widgetTextsSchema.optional()])) as Record<
      Locale,
      z.ZodOptional<typeof widgetTextsSchema>
    >,
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `translations takes the languages ${LOCALES.join(", ")} (not ${issue.keys.join(", ")})`
          : "translations must be an object keyed by language",
    },
  )
  .meta({
    description:
      "Per-language texts, keyed by locale (en, de, fr, es, ar): the widget shows a visitor the values of their " +
      "language, else the defaults (the top-level fields).",
    example: { de: { title: "Hilfe", greeting: "Hallo! Fragen Sie uns alles." } },
  });
export type WidgetTranslations = Partial<Record<Locale, WidgetTexts>>;

/** PUT body: every field optional; a field left out or null goes back to its default. */
export const updateWidgetSettingsInputSchema = z
  .strictObject({
    title: textSetting("title", 1, WIDGET_TEXT_MAX_CHARS.title).nullish(),
    subtitle: textSetting("subtitle", 0, WIDGET_TEXT_MAX_CHARS.subtitle).nullish(),
    greeting: textSetting("greeting", 1, WIDGET_TEXT_MAX_CHARS.greeting).nullish(),
    accent: z
      .string()
      .trim()
      .regex(HEX_COLOUR, "accent must be a hex colour such as #4f46e5 or #46e")
      .nullish(),
    launcher_label: textSetting("launcher_label", 0, WIDGET_TEXT_MAX_CHARS.launcher_label).nullish(),
    position: z.enum(["left", "right"], { error: "position must be left or right" }).nullish(),
    suggested_prompts: suggestedPromptsSchema.nullish(),
    assistant_name: textSetting("assistant_name", 1, WIDGET_TEXT_MAX_CHARS.assistant_name).nullish(),
    assistant_avatar: z
      .string()
      .max(MAX_AVATAR_LENGTH, "assistant_avatar is too large: use an image under 48 KB")
      .regex(AVATAR_DATA_URL, "assistant_avatar must be a data:image/(png|jpeg|webp|gif);base64 URL")
      .nullish(),
    allowed_origins: z
      .array(
        z.string().transform((value, ctx) => {
          const origin = normaliseOrigin(value);
          if (origin) return origin;
          ctx.addIssue({
            code: "custom",
            message:
              "must be a website origin such as https://shop.example: scheme, host and optional port, nothing " +
              "else; a wildcard only as a leading *. label (https://*.shop.example)",
          });
          return z.NEVER;
        }),
      )
      .max(MAX_ALLOWED_ORIGINS, `allowed_origins allows at most ${MAX_ALLOWED_ORIGINS} websites`)
      .nullish(),
    office_hours: officeHoursSchema.nullish(),
    translations: widgetTranslationsSchema.nullish(),
    ai_disclosure: z
      .boolean({ error: "ai_disclosure must be true or false" })
      .nullish()
      .meta({ description: "Show the AI disclosure line in the widget (default true)." }),
    auto_assign: z.boolean({ error: "auto_assign must be true or false" }).nullish().meta({
      description:
        "Give each request for a person to the next online agent with room, round robin (default false).",
    }),
    agent_capacity: z
      .number({ error: "agent_capacity must be a whole number" })
      .int("agent_capacity must be a whole number")
      .min(1, "agent_capacity must be at least 1")
      .max(MAX_AGENT_CAPACITY, `agent_capacity must be at most ${MAX_AGENT_CAPACITY}`)
      .nullish()
      .meta({
        description: "Open conversations per agent before auto-assignment passes them over (default 3).",
      }),
    // The GET answer's read-only fields: accepted, so what GET returns can be sent back as it is, and ignored.
    version: z
      .number()
      .int()
      .optional()
      .meta({ description: "Read-only (as GET returns it): accepted and ignored; every save adds one." }),
    updated_at: z.string().nullish().meta({ description: "Read-only: accepted and ignored." }),
    updated_by: z.string().nullish().meta({ description: "Read-only: accepted and ignored." }),
    env_allowed_origins: z
      .string()
      .optional()
      .meta({ description: "Read-only (WIDGET_ALLOWED_ORIGINS on the server): accepted and ignored." }),
  })
  .meta({ id: "WidgetSettingsUpdate" });
export type UpdateWidgetSettingsInput = z.infer<typeof updateWidgetSettingsInputSchema>;

export const widgetSettingsSchema = z
  .object({
    title: z.string(),
    subtitle: z.string().meta({ description: "Under the title; empty for none." }),
    greeting: z.string().meta({ description: "First message of an empty conversation (not stored)." }),
    accent: z.string().meta({ description: "Hex colour." }),
    launcher_label: z
      .string()
      .meta({ description: "Text beside the launcher icon; empty for the icon alone." }),
    position: z.enum(["left", "right"]),
    suggested_prompts: z.array(z.string()),
    assistant_name: z.string(),
    assistant_avatar: z.string().nullable().meta({ description: "A data:image URL, or null for none." }),
    allowed_origins: z.array(z.string()).meta({
      description: "Websites allowed to embed the widget, added to WIDGET_ALLOWED_ORIGINS (and to CORS).",
    }),
    office_hours: officeHoursSchema.nullable().meta({ description: "null: always open." }),
    translations: widgetTranslationsSchema,
    ai_disclosure: z.boolean().meta({
      description:
        'Whether the widget shows its AI disclosure line ("You are chatting with an AI assistant", in the ' +
        "visitor's language); on by default.",
    }),
    auto_assign: z.boolean().meta({
      description:
        "Auto-assignment: each request for a person goes to the next online agent (role agent or admin) with " +
        "fewer open conversations than agent_capacity, round robin; when all are full, requests wait in order " +
        "and the oldest is assigned as soon as a place frees up. Off by default.",
    }),
    agent_capacity: z.int().meta({ description: "Open conversations per agent under auto-assignment." }),
    version: z.number().int().meta({ description: "Grows by one on every save." }),
    updated_at: z.iso.datetime().nullable(),
    updated_by: z.string().nullable(),
    env_allowed_origins: z.string().meta({
      description: "WIDGET_ALLOWED_ORIGINS as configured on the server (read-only; `*` allows every site).",
    }),
  })
  .meta({ id: "WidgetSettings" });
export type WidgetSettingsDto = z.infer<typeof widgetSettingsSchema>;

/** What visitors' browsers get (GET /api/chats/widget/, the widget page): no origins, no audit fields. */
export const publicWidgetSettingsSchema = widgetSettingsSchema
  .omit({
    allowed_origins: true,
    version: true,
    updated_at: true,
    updated_by: true,
    env_allowed_origins: true,
    translations: true,
    auto_assign: true,
    agent_capacity: true,
  })
  .meta({
    id: "PublicWidgetSettings",
    description:
      "Title, subtitle, greeting and suggested prompts are those of the language asked for (?locale=) where set, " +
      "else the defaults.",
  });
export type PublicWidgetSettings = z.infer<typeof publicWidgetSettingsSchema>;
