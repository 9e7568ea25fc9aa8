import type { OfficeHours } from "~/server/admin/settings/widget-settings.schema";
import type { WidgetTranslator } from "./translator";

const DAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const WEEK_MINUTES = 7 * 24 * 60;
const ORDER = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

function minutes(time: string): number {
  const [h = "0", m = "0"] = time.split(":");
  return Number(h) * 60 + Number(m);
}

/** Minutes since Monday 00:00 of the wall clock in `timeZone` at `now`. */
function minuteOfWeek(now: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return (DAY_INDEX[part("weekday")] ?? 0) * 1440 + Number(part("hour")) * 60 + Number(part("minute"));
}

export type OfficeHoursStatus = { open: true } | { open: false; reopensAt: Date | null };

/**
 * Open or not at `now`, and when it opens next (to the minute). The gap to the next opening is counted in the
 * office's wall-clock minutes, so across a daylight-saving change the time shown can be an hour off.
 */
export function officeHoursStatus(hours: OfficeHours | null, now: Date): OfficeHoursStatus {
  if (!hours) return { open: true };
  const current = minuteOfWeek(now, hours.timezone);
  let next: number | null = null;
  for (const range of hours.ranges) {
    const start = ORDER.indexOf(range.day) * 1440 + minutes(range.from);
    const end = ORDER.indexOf(range.day) * 1440 + minutes(range.to);
    if (current >= start && current < end) return { open: true };
    const wait = (start - current + WEEK_MINUTES) % WEEK_MINUTES;
    if (next === null || wait < next) next = wait;
  }
  if (next === null) return { open: false, reopensAt: null };
  const minuteStart = Math.floor(now.getTime() / 60_000) * 60_000;
  return { open: false, reopensAt: new Date(minuteStart + next * 60_000) };
}

/**
 * When the team is back, in the visitor's own time zone and language: the catalogue's "today at {time}",
 * "tomorrow at {time}" or "{weekday} at {time}" (`t`), with the time and weekday formatted for `locale`.
 */
export function describeReopening(reopensAt: Date, now: Date, locale: string, t: WidgetTranslator): string {
  const time = new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" }).format(reopensAt);
  const day = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  const days = Math.round((day(reopensAt) - day(now)) / 86_400_000);
  if (days === 0) return t("officeHours.today", { time });
  if (days === 1) return t("officeHours.tomorrow", { time });
  const weekday = new Intl.DateTimeFormat(locale, { weekday: "long" }).format(reopensAt);
  return t("officeHours.weekday", { weekday, time });
}
