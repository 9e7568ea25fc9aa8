"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { MAX_SUGGESTED_PROMPTS, WEEKDAYS } from "~/server/admin/settings/widget-settings.constants";
import type {
  OfficeHours,
  UpdateWidgetSettingsInput,
  WidgetSettingsDto,
} from "~/server/admin/settings/widget-settings.schema";
import { useTRPC } from "~/trpc/react";
import { formatTime } from "../../_components/format";

const DAY_NAMES: Record<(typeof WEEKDAYS)[number], string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

const MAX_AVATAR_BYTES = 48 * 1024;

type Range = OfficeHours["ranges"][number];

function defaultRanges(): Range[] {
  return (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, from: "09:00", to: "17:00" }));
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("unreadable file"));
    reader.readAsDataURL(file);
  });
}

/** The settings form: every field at once (PUT), with each field's validation message beside it. */
export function SettingsForm({ initial }: { initial: WidgetSettingsDto }) {
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
    };
    save.mutate(input);
  }

  async function onAvatar(file: File | undefined) {
    setAvatarError(null);
    if (!file) return;
    if (!/^image\/(png|jpeg|webp|gif)$/.test(file.type)) {
      setAvatarError("Choose a PNG, JPEG, WebP or GIF image.");
      return;
    }
    if (file.size > MAX_AVATAR_BYTES) {
      setAvatarError("The image is larger than 48 KB: use a smaller one (64 × 64 px is plenty).");
      return;
    }
    setAvatar(await readAsDataUrl(file));
  }

  const envOrigins = initial.env_allowed_origins.trim();
  return (
    <form className="settings" onSubmit={onSubmit} noValidate>
      <fieldset>
        <legend>Window</legend>
        <Field label="Title" errors={errorsFor("title")}>
          <input value={title} maxLength={60} required onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="Subtitle (empty for none)" errors={errorsFor("subtitle")}>
          <input value={subtitle} maxLength={120} onChange={(e) => setSubtitle(e.target.value)} />
        </Field>
        <Field label="Greeting (first message of an empty conversation)" errors={errorsFor("greeting")}>
          <textarea value={greeting} maxLength={500} rows={3} onChange={(e) => setGreeting(e.target.value)} />
        </Field>
        <Field label="Accent colour (#rgb or #rrggbb)" errors={errorsFor("accent")}>
          <span className="inline">
            <input
              type="color"
              aria-label="Pick the accent colour"
              value={/^#[0-9a-f]{6}$/i.test(accent) ? accent : "#4f46e5"}
              onChange={(e) => setAccent(e.target.value)}
            />
            <input
              value={accent}
              size={10}
              aria-label="Accent colour"
              onChange={(e) => setAccent(e.target.value)}
            />
          </span>
        </Field>
      </fieldset>

      <fieldset>
        <legend>Launcher</legend>
        <Field label="Launcher label (empty for the icon alone)" errors={errorsFor("launcher_label")}>
          <input value={launcherLabel} maxLength={40} onChange={(e) => setLauncherLabel(e.target.value)} />
        </Field>
        <Field label="Position" errors={errorsFor("position")}>
          <select
            value={position}
            onChange={(e) => setPosition(e.target.value === "left" ? "left" : "right")}
          >
            <option value="right">Bottom right</option>
            <option value="left">Bottom left</option>
          </select>
        </Field>
      </fieldset>

      <fieldset>
        <legend>Suggested prompts (shown on an empty conversation; a click sends one)</legend>
        {prompts.map((prompt, index) => (
          <Field key={index} label={`Prompt ${index + 1}`} errors={errorsFor(`suggested_prompts.${index}`)}>
            <input
              value={prompt}
              maxLength={120}
              onChange={(e) => setPrompts((all) => all.map((p, i) => (i === index ? e.target.value : p)))}
            />
          </Field>
        ))}
      </fieldset>

      <fieldset>
        <legend>Assistant</legend>
        <Field label="Display name" errors={errorsFor("assistant_name")}>
          <input value={assistantName} maxLength={40} onChange={(e) => setAssistantName(e.target.value)} />
        </Field>
        <Field
          label="Avatar (PNG, JPEG, WebP or GIF, at most 48 KB)"
          errors={[...errorsFor("assistant_avatar"), ...(avatarError ? [avatarError] : [])]}
        >
          <span className="inline">
            {avatar && (
              // eslint-disable-next-line @next/next/no-img-element
              <img src={avatar} alt="Current avatar" width={40} height={40} className="avatar-preview" />
            )}
            <input
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif"
              onChange={(e) => void onAvatar(e.target.files?.[0])}
            />
            {avatar && (
              <button type="button" className="secondary" onClick={() => setAvatar(null)}>
                Remove avatar
              </button>
            )}
          </span>
        </Field>
      </fieldset>

      <fieldset>
        <legend>Websites allowed to embed the widget</legend>
        <Field label="One origin a line, e.g. https://shop.example" errors={errorsFor("allowed_origins")}>
          <textarea value={origins} rows={4} onChange={(e) => setOrigins(e.target.value)} />
        </Field>
        <p className="muted hint">
          Added to this server&apos;s <code>WIDGET_ALLOWED_ORIGINS</code> (<code>{envOrigins || "none"}</code>
          ) for framing, and to <code>CORS_ALLOWED_ORIGINS</code> for the REST API.
          {envOrigins === "*" &&
            " While WIDGET_ALLOWED_ORIGINS is *, every website may embed the widget: set it to your own site to make this list the limit."}
        </p>
      </fieldset>

      <fieldset>
        <legend>Office hours</legend>
        <label className="check">
          <input type="checkbox" checked={hoursOn} onChange={(e) => setHoursOn(e.target.checked)} />
          Show visitors when the team is away (the assistant still answers)
        </label>
        {hoursOn && (
          <>
            <Field label="Time zone (IANA, e.g. Europe/Berlin)" errors={errorsFor("office_hours.timezone")}>
              <input value={timezone} onChange={(e) => setTimezone(e.target.value)} />
            </Field>
            <table className="ranges">
              <caption className="muted">Weekly opening hours, in that time zone</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">Remove</th>
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
                          aria-label={`Day of range ${index + 1}`}
                          value={range.day}
                          onChange={(e) => update({ day: e.target.value as Range["day"] })}
                        >
                          {WEEKDAYS.map((day) => (
                            <option key={day} value={day}>
                              {DAY_NAMES[day]}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <input
                          type="time"
                          aria-label={`Opens (range ${index + 1})`}
                          value={range.from}
                          onChange={(e) => update({ from: e.target.value })}
                        />
                      </td>
                      <td>
                        <input
                          type="time"
                          aria-label={`Closes (range ${index + 1})`}
                          value={range.to}
                          onChange={(e) => update({ to: e.target.value })}
                        />
                        {errors.length > 0 && <span className="error"> {errors.join(" ")}</span>}
                      </td>
                      <td>
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Remove range ${index + 1}`}
                          onClick={() => setRanges((all) => all.filter((_, i) => i !== index))}
                        >
                          Remove
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
              Add a range
            </button>
          </>
        )}
      </fieldset>

      <div className="filters">
        <button type="submit" disabled={save.isPending}>
          Save settings
        </button>
        {save.isSuccess && <span role="status">Saved. Every server applies it within a few seconds.</span>}
        {save.error && (
          <span role="alert" className="error">
            {save.error.message}
          </span>
        )}
      </div>
      <p className="muted">
        Version {saved.version}
        {saved.updated_at
          ? `, saved ${formatTime(saved.updated_at)} by ${saved.updated_by ?? "unknown"}`
          : ""}
        .
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
