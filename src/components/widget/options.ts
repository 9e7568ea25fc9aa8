/**
 * Theme and behaviour options of the widget, given by the embed script (data attributes → iframe URL) or by
 * the query string of /widget when it is opened full page. Every value is checked: anything invalid falls back
 * to its default, so a bad embed option never breaks the widget.
 */
export interface WidgetOptions {
  /** Shown in the header. */
  title: string;
  /** First message of an empty conversation (not stored). */
  greeting: string;
  /** Accent colour, a hex colour such as #4f46e5. */
  accent: string;
  /** Which corner the embed's launcher sits in (the widget itself only mirrors it). */
  position: "left" | "right";
  /** True inside the embed's iframe: a close button, and the visitor id comes from the host page. */
  embed: boolean;
  /** Seconds a conversation stays idle after an answer before the widget offers to rate it (0–3600). */
  ratingDelaySeconds: number;
}

/** The default wait before offering to rate a conversation: two minutes without a new message. */
export const RATING_OFFER_IDLE_SECONDS = 120;
const RATING_DELAY_MAX_SECONDS = 3600;

export const DEFAULT_OPTIONS: WidgetOptions = {
  title: "Support",
  greeting: "Hi there! Ask us anything about Visitor Chat. We usually answer right away.",
  accent: "#4f46e5",
  position: "right",
  embed: false,
  ratingDelaySeconds: RATING_OFFER_IDLE_SECONDS,
};

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  const trimmed = one?.trim();
  return trimmed ? trimmed : undefined;
}

export function parseWidgetOptions(params: SearchParams): WidgetOptions {
  const title = first(params.title)?.slice(0, 60);
  const greeting = first(params.greeting)?.slice(0, 500);
  const accent = first(params.accent);
  return {
    title: title ?? DEFAULT_OPTIONS.title,
    greeting: greeting ?? DEFAULT_OPTIONS.greeting,
    accent: accent && HEX_COLOUR.test(accent) ? accent : DEFAULT_OPTIONS.accent,
    position: first(params.position) === "left" ? "left" : "right",
    embed: first(params.embed) === "1",
    ratingDelaySeconds: ratingDelay(first(params.rating_delay)),
  };
}

function ratingDelay(value: string | undefined): number {
  if (value === undefined || !/^\d{1,4}$/.test(value)) return DEFAULT_OPTIONS.ratingDelaySeconds;
  const seconds = Number(value);
  return seconds <= RATING_DELAY_MAX_SECONDS ? seconds : DEFAULT_OPTIONS.ratingDelaySeconds;
}

/** Black or white, whichever reads better on the accent colour (WCAG relative luminance). */
export function textColourOn(hex: string): string {
  const full =
    hex.length === 4
      ? hex
          .slice(1)
          .split("")
          .map((c) => c + c)
          .join("")
      : hex.slice(1);
  const channels = [0, 2, 4].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const [r = 0, g = 0, b = 0] = channels;
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? "#111827" : "#ffffff";
}
