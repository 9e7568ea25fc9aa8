import type { OfficeHours } from "~/server/admin/settings/widget-settings.schema";

/**
 * Theme and behaviour options of the widget: the admin's settings (/admin/settings, read by the page on the
 * server), overridden per page by the embed script (data attributes → iframe URL) or by the query string of
 * /widget opened full page. Every query value is checked: anything invalid falls back to the setting, so a bad
 * embed option never breaks the widget.
 */
export interface WidgetOptions {
  /** Shown in the header. */
  title: string;
  /** Under the title; empty for none. */
  subtitle: string;
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
  /** Shown on an empty conversation; a click sends it. */
  suggestedPrompts: string[];
  assistantName: string;
  /** A data:image URL, or null. */
  assistantAvatar: string | null;
  /** null: always open. */
  officeHours: OfficeHours | null;
  /** Show the AI disclosure line (the admin's setting; on by default). */
  aiDisclosure: boolean;
}

/** The default wait before offering to rate a conversation: two minutes without a new message. */
export const RATING_OFFER_IDLE_SECONDS = 120;
const RATING_DELAY_MAX_SECONDS = 3600;

export const DEFAULT_OPTIONS: WidgetOptions = {
  title: "Support",
  subtitle: "The assistant replies in seconds",
  greeting: "Hi there! Ask us anything about Visitor Chat. We usually answer right away.",
  accent: "#4f46e5",
  position: "right",
  embed: false,
  ratingDelaySeconds: RATING_OFFER_IDLE_SECONDS,
  suggestedPrompts: [],
  assistantName: "Assistant",
  assistantAvatar: null,
  officeHours: null,
  aiDisclosure: true,
};

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  const trimmed = one?.trim();
  return trimmed ? trimmed : undefined;
}

/** The query string (embed data-attributes) over `base` (the admin's settings). */
export function parseWidgetOptions(
  params: SearchParams,
  base: WidgetOptions = DEFAULT_OPTIONS,
): WidgetOptions {
  const title = first(params.title)?.slice(0, 60);
  const subtitle = first(params.subtitle)?.slice(0, 120);
  const greeting = first(params.greeting)?.slice(0, 500);
  const accent = first(params.accent);
  const position = first(params.position);
  return {
    ...base,
    title: title ?? base.title,
    subtitle: subtitle ?? base.subtitle,
    greeting: greeting ?? base.greeting,
    accent: accent && HEX_COLOUR.test(accent) ? accent : base.accent,
    position: position === "left" || position === "right" ? position : base.position,
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
