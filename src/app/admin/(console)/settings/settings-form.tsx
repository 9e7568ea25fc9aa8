"use client";

import { useMutation } from "@tanstack/react-query";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useMemo, useState, type FormEvent, type ReactNode } from "react";
import { LOCALES, type Locale } from "~/i18n/locales";
import {
  MAX_AGENT_CAPACITY,
  MAX_SUGGESTED_PROMPTS,
  WEEKDAYS,
  WIDGET_TEXT_MAX_CHARS,
} from "~/shared/widget-settings";
import type {
  OfficeHours,
  UpdateWidgetSettingsInput,
  WidgetSettingsDto,
} from "~/server/admin/settings/widget-settings.schema";
import { useTRPC } from "~/trpc/react";
import { Options } from "../../_components/options";

/** A day of each weekday (2024-01-01 was a Monday), to name the weekdays in the page's language. */
const WEEKDAY_DATES: Record<(typeof WEEKDAYS)[number], Date> = Object.fromEntries(
  WEEKDAYS.map((day, index) => [day, new Date(Date.UTC(2024, 0, 1 + index))]),
) as Record<(typeof WEEKDAYS)[number], Date>;

/** Times in the page's language, in UTC: the same moment for every admin whatever their zone. */
const WHEN = {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
} as const satisfies Intl.DateTimeFormatOptions;

const MAX_AVATAR_BYTES = 48 * 1024;

type Range = OfficeHours["ranges"][number];

/** One language's texts as edited: empty means "use the default". */
interface TextsDraft {
  title: string;
  subtitle: string;
  greeting: string;
  prompts: string[];
}

function textsDrafts(translations: WidgetSettingsDto["translations"]): Record<Locale, TextsDraft> {
  return Object.fromEntries(
    LOCALES.map((locale) => {
      const own = translations[locale];
      return [
        locale,
        {
          title: own?.title ?? "",
          subtitle: own?.subtitle ?? "",
          greeting: own?.greeting ?? "",
          prompts: Array.from(
            { length: MAX_SUGGESTED_PROMPTS },
            (_, index) => own?.suggested_prompts?.[index] ?? "",
          ),
        },
      ];
    }),
  ) as Record<Locale, TextsDraft>;
}

/** The drafts as the API takes them: only what was filled in (subtitle: an empty one is the default too). */
function translationsInput(drafts: Record<Locale, TextsDraft>): UpdateWidgetSettingsInput["translations"] {
  const result: NonNullable<UpdateWidgetSettingsInput["translations"]> = {};
  for (const locale of LOCALES) {
    const draft = drafts[locale];
    const prompts = draft.prompts.map((prompt) => prompt.trim()).filter(Boolean);
    const texts = {
      ...(draft.title.trim() && { title: draft.title }),
      ...(draft.subtitle.trim() && { subtitle: draft.subtitle }),
      ...(draft.greeting.trim() && { greeting: draft.greeting }),
      ...(prompts.length > 0 && { suggested_prompts: prompts }),
    };
    if (Object.keys(texts).length > 0) result[locale] = texts;
  }
  return result;
}

function defaultRanges(): Range[] {
  return (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, from: "09:00", to: "17:00" }));
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("The file could not be read."));
    reader.readAsDataURL(file);
  });
}

/** The settings form: every field at once (PUT), with each field's validation message beside it. */
export function SettingsForm({ initial }: { initial: WidgetSettingsDto }) {
  const t = useTranslations("AdminSettings");
  const format = useFormatter();
  const dayNames = useMemo(
    () =>
      Object.fromEntries(
        WEEKDAYS.map((day) => [
          day,
          format.dateTime(WEEKDAY_DATES[day], { weekday: "long", timeZone: "UTC" }),
        ]),
      ) as Record<(typeof WEEKDAYS)[number], string>,
    [format],
  );
  const trpc = useTRPC();
  const [saved, setSaved] = useState<WidgetSettingsDto>(initial);
  const [title, setTitle] = useState(initial.title);
  const [subtitle, setSubtitle] = useState(initial.subtitle);
  const [greeting, setGreeting] = useState(initial.greeting);
  const [accent, setAccent] = useState(initial.accent);
  const [launcherLabel, setLauncherLabel] = useState(initial.launcher_label);
  const [position, setPosition] = useState(initial.position);
  const [prompts, setPrompts] = useState<string[]>(() =>
    Array.from({ length: MAX_SUGGESTED_PROMPTS }, (_, index) => initial.suggested_prompts[index] ?? ""),
  );
  const [assistantName, setAssistantName] = useState(initial.assistant_name);
  const [avatar, setAvatar] = useState<string | null>(initial.assistant_avatar);
  const [avatarError, setAvatarError] = useState<string | null>(null);
  const [origins, setOrigins] = useState(initial.allowed_origins.join("\n"));
  const [hoursOn, setHoursOn] = useState(initial.office_hours !== null);
  const [timezone, setTimezone] = useState(
    initial.office_hours?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  );
  const [ranges, setRanges] = useState<Range[]>(initial.office_hours?.ranges ?? defaultRanges());
  const [drafts, setDrafts] = useState(() => textsDrafts(initial.translations));
  const [language, setLanguage] = useState<Locale>("de");
  const [aiDisclosure, setAiDisclosure] = useState(initial.ai_disclosure);
  const [autoAssign, setAutoAssign] = useState(initial.auto_assign);
  const [capacity, setCapacity] = useState(String(initial.agent_capacity));
  const pageLocale = useLocale();
  const languageNames = useMemo(
    () => new Intl.DisplayNames([pageLocale], { type: "language" }),
    [pageLocale],
  );
  const draft = drafts[language];
  const editDraft = (change: Partial<TextsDraft>) =>
    setDrafts((all) => ({ ...all, [language]: { ...all[language], ...change } }));

  const save = useMutation(trpc.admin.settings.update.mutationOptions({ onSuccess: setSaved }));
  const fieldErrors = (save.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)
    ?.fieldErrors;
  const errorsFor = (prefix: string) =>
    Object.entries(fieldErrors ?? {})
      .filter(([key]) => key === prefix || key.startsWith(`${prefix}.`))
      .flatMap(([, messages]) => messages);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input: UpdateWidgetSettingsInput = {
      title,
      subtitle,
      greeting,
      accent,
      launcher_label: launcherLabel,
      position,
      suggested_prompts: prompts.map((prompt) => prompt.trim()).filter(Boolean),
      assistant_name: assistantName,
      assistant_avatar: avatar,
      allowed_origins: origins
        .split(/[\s,]+/)
        .map((origin) => origin.trim())
        .filter(Boolean),
      office_hours: hoursOn ? { timezone, ranges } : null,
      translations: translationsInput(drafts),
      ai_disclosure: aiDisclosure,
      auto_assign: autoAssign,
      // Sent as typed: the server answers a bad number field by field (agent_capacity).
      agent_capacity: capacity.trim() === "" ? null : Number(capacity),
    };
    save.mutate(input);
  }

  async function onAvatar(file: File | undefined) {
    setAvatarError(null);
    if (!file) return;
    if (!/^image\/(png|jpeg|webp|gif)$/.test(file.type)) {
      setAvatarError(t("avatarType"));
      return;
    }
    if (file.size > MAX_AVATAR_BYTES) {
      setAvatarError(t("avatarTooLarge", { kb: MAX_AVATAR_BYTES / 1024 }));
      return;
    }
    try {
      setAvatar(await readAsDataUrl(file));
    } catch {
      setAvatarError(t("avatarUnreadable"));
    }
  }

  const envOrigins = initial.env_allowed_origins.trim();
  return (
    <form className="settings" onSubmit={onSubmit} noValidate>
      <fieldset>
        <legend>{t("window")}</legend>
        <Field label={t("title")} errors={errorsFor("title")}>
          <input
            value={title}
            maxLength={WIDGET_TEXT_MAX_CHARS.title}
            required
            onChange={(e) => setTitle(e.target.value)}
          />
        </Field>
        <Field label={t("subtitle")} errors={errorsFor("subtitle")}>
          <input
            value={subtitle}
            maxLength={WIDGET_TEXT_MAX_CHARS.subtitle}
            onChange={(e) => setSubtitle(e.target.value)}
          />
        </Field>
        <Field label={t("greeting")} errors={errorsFor("greeting")}>
          <textarea
            value={greeting}
            maxLength={WIDGET_TEXT_MAX_CHARS.greeting}
            rows={3}
            onChange={(e) => setGreeting(e.target.value)}
          />
        </Field>
        <Field label={t("accentField")} errors={errorsFor("accent")}>
          <span className="inline">
            <input
              type="color"
              aria-label={t("accentPick")}
              value={/^#[0-9a-f]{6}$/i.test(accent) ? accent : "#4f46e5"}
              onChange={(e) => setAccent(e.target.value)}
            />
            <input
              value={accent}
              size={10}
              aria-label={t("accent")}
              onChange={(e) => setAccent(e.target.value)}
            />
          </span>
        </Field>
      </fieldset>

      <fieldset>
        <legend>{t("launcher")}</legend>
        <Field label={t("launcherLabel")} errors={errorsFor("launcher_label")}>
          <input
            value={launcherLabel}
            maxLength={WIDGET_TEXT_MAX_CHARS.launcher_label}
            onChange={(e) => setLauncherLabel(e.target.value)}
          />
        </Field>
        <Field label={t("position")} errors={errorsFor("position")}>
          <select
            value={position}
            onChange={(e) => setPosition(e.target.value === "left" ? "left" : "right")}
          >
            <option value="right">{t("positions.right")}</option>
            <option value="left">{t("positions.left")}</option>
          </select>
        </Field>
      </fieldset>

      <fieldset>
        <legend>{t("prompts")}</legend>
        {prompts.map((prompt, index) => (
          <Field
            key={index}
            label={t("prompt", { number: index + 1 })}
            errors={errorsFor(`suggested_prompts.${index}`)}
          >
            <input
              value={prompt}
              maxLength={WIDGET_TEXT_MAX_CHARS.suggested_prompt}
              onChange={(e) => setPrompts((all) => all.map((p, i) => (i === index ? e.target.value : p)))}
            />
          </Field>
        ))}
      </fieldset>

      <fieldset>
        <legend>{t("languages")}</legend>
        <p className="muted">{t("languagesHint")}</p>
        <Field label={t("languageField")} errors={[]}>
          <select value={language} onChange={(e) => setLanguage(e.target.value as Locale)}>
            <Options values={LOCALES} label={(locale) => languageNames.of(locale) ?? locale} />
          </select>
        </Field>
        <Field label={t("title")} errors={errorsFor(`translations.${language}.title`)}>
          <input
            value={draft.title}
            placeholder={title}
            maxLength={WIDGET_TEXT_MAX_CHARS.title}
            onChange={(e) => editDraft({ title: e.target.value })}
          />
        </Field>
        <Field label={t("subtitle")} errors={errorsFor(`translations.${language}.subtitle`)}>
          <input
            value={draft.subtitle}
            placeholder={subtitle}
            maxLength={WIDGET_TEXT_MAX_CHARS.subtitle}
            onChange={(e) => editDraft({ subtitle: e.target.value })}
          />
        </Field>
        <Field label={t("greeting")} errors={errorsFor(`translations.${language}.greeting`)}>
          <textarea
            value={draft.greeting}
            placeholder={greeting}
            maxLength={WIDGET_TEXT_MAX_CHARS.greeting}
            rows={3}
            onChange={(e) => editDraft({ greeting: e.target.value })}
          />
        </Field>
        {draft.prompts.map((prompt, index) => (
          <Field
            key={index}
            label={t("prompt", { number: index + 1 })}
            errors={errorsFor(`translations.${language}.suggested_prompts.${index}`)}
          >
            <input
              value={prompt}
              placeholder={prompts[index] ?? ""}
              maxLength={WIDGET_TEXT_MAX_CHARS.suggested_prompt}
              onChange={(e) =>
                editDraft({ prompts: draft.prompts.map((p, i) => (i === index ? e.target.value : p)) })
              }
            />
          </Field>
        ))}
      </fieldset>

      <fieldset>
        <legend>{t("assistant")}</legend>
        <label className="check">
          <input type="checkbox" checked={aiDisclosure} onChange={(e) => setAiDisclosure(e.target.checked)} />
          {t("aiDisclosureField")}
        </label>
        <Field label={t("displayName")} errors={errorsFor("assistant_name")}>
          <input
            value={assistantName}
            maxLength={WIDGET_TEXT_MAX_CHARS.assistant_name}
            onChange={(e) => setAssistantName(e.target.value)}
          />
        </Field>
        <Field
          label={t("avatar", { kb: MAX_AVATAR_BYTES / 1024 })}
          errors={[...errorsFor("assistant_avatar"), ...(avatarError ? [avatarError] : [])]}
        >
          <span className="inline">
            {avatar && (
              // eslint-disable-next-line @next/next/no-img-element
              <img src={avatar} alt={t("currentAvatar")} width={40} height={40} className="avatar-preview" />
            )}
            <input
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif"
              onChange={(e) => void onAvatar(e.target.files?.[0])}
            />
            {avatar && (
              <button type="button" className="secondary" onClick={() => setAvatar(null)}>
                {t("removeAvatar")}
              </button>
            )}
          </span>
        </Field>
      </fieldset>

      <fieldset>
        <legend>{t("assignment")}</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={autoAssign}
            onChange={(e) => setAutoAssign(e.target.checked)}
            data-testid="auto-assign"
          />
          {t("autoAssignField")}
        </label>
        <Field label={t("capacityField")} errors={errorsFor("agent_capacity")}>
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_AGENT_CAPACITY}
            value={capacity}
            onChange={(e) => setCapacity(e.target.value)}
          />
        </Field>
        <p className="muted hint">{t("assignmentHint")}</p>
      </fieldset>

      <fieldset>
        <legend>{t("origins")}</legend>
        <Field label={t("originsField")} errors={errorsFor("allowed_origins")}>
          <textarea value={origins} rows={4} onChange={(e) => setOrigins(e.target.value)} />
        </Field>
        <p className="muted hint">
          {t.rich("originsHint", {
            widgetVariable: "WIDGET_ALLOWED_ORIGINS",
            corsVariable: "CORS_ALLOWED_ORIGINS",
            current: envOrigins || t("none"),
            code: (chunks) => <code>{chunks}</code>,
          })}
          {envOrigins === "*" && ` ${t("originsAnyWarning", { widgetVariable: "WIDGET_ALLOWED_ORIGINS" })}`}
        </p>
      </fieldset>

      <fieldset>
        <legend>{t("officeHours")}</legend>
        <label className="check">
          <input type="checkbox" checked={hoursOn} onChange={(e) => setHoursOn(e.target.checked)} />
          {t("showAway")}
        </label>
        {hoursOn && (
          <>
            <Field label={t("timezone")} errors={errorsFor("office_hours.timezone")}>
              <input value={timezone} onChange={(e) => setTimezone(e.target.value)} />
            </Field>
            <table className="ranges">
              <caption className="muted">{t("rangesCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("rangeColumns.day")}</th>
                  <th scope="col">{t("rangeColumns.from")}</th>
                  <th scope="col">{t("rangeColumns.to")}</th>
                  <th scope="col">{t("rangeColumns.remove")}</th>
                </tr>
              </thead>
              <tbody>
                {ranges.map((range, index) => {
                  const update = (change: Partial<Range>) =>
                    setRanges((all) => all.map((r, i) => (i === index ? { ...r, ...change } : r)));
                  const errors = errorsFor(`office_hours.ranges.${index}`);
                  return (
                    <tr key={index}>
                      <td>
                        <select
                          aria-label={t("rangeDay", { number: index + 1 })}
                          value={range.day}
                          onChange={(e) => update({ day: e.target.value as Range["day"] })}
                        >
                          <Options values={WEEKDAYS} label={(day) => dayNames[day]} />
                        </select>
                      </td>
                      <td>
                        <input
                          type="time"
                          aria-label={t("rangeOpens", { number: index + 1 })}
                          value={range.from}
                          onChange={(e) => update({ from: e.target.value })}
                        />
                      </td>
                      <td>
                        <input
                          type="time"
                          aria-label={t("rangeCloses", { number: index + 1 })}
                          value={range.to}
                          onChange={(e) => update({ to: e.target.value })}
                        />
                        {errors.length > 0 && <span className="error"> {errors.join(" ")}</span>}
                      </td>
                      <td>
                        <button
                          type="button"
                          className="secondary"
                          aria-label={t("rangeRemove", { number: index + 1 })}
                          onClick={() => setRanges((all) => all.filter((_, i) => i !== index))}
                        >
                          {t("remove")}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {errorsFor("office_hours.ranges")
              .filter(() => !Object.keys(fieldErrors ?? {}).some((k) => /ranges\.\d/.test(k)))
              .map((message) => (
                <p key={message} className="error">
                  {message}
                </p>
              ))}
            <button
              type="button"
              className="secondary"
              onClick={() => setRanges((all) => [...all, { day: "mon", from: "09:00", to: "17:00" }])}
            >
              {t("addRange")}
            </button>
          </>
        )}
      </fieldset>

      <div className="filters">
        <button type="submit" disabled={save.isPending}>
          {t("save")}
        </button>
        {save.isSuccess && <span role="status">{t("saved")}</span>}
        {save.error && (
          <span role="alert" className="error">
            {save.error.message}
          </span>
        )}
      </div>
      <p className="muted">
        {saved.updated_at
          ? t("versionSaved", {
              version: saved.version,
              at: format.dateTime(new Date(saved.updated_at), WHEN),
              by: saved.updated_by ?? t("unknownAuthor"),
            })
          : t("version", { version: saved.version })}
      </p>
    </form>
  );
}

function Field({ label, errors, children }: { label: string; errors: string[]; children: ReactNode }) {
  return (
    <label>
      {label}
      {children}
      {errors.map((message) => (
        <span key={message} className="error">
          {message}
        </span>
      ))}
    </label>
  );
}
