import { z } from "zod";
import { idSchema, visitorIdSchema } from "../ids";
import { plainText, wellFormedText } from "../limits";

/** Bounds of what the widget reports about the visit (docs/widget.md "The visitor's context"). */
export const CONTEXT_LIMITS = {
  urlMaxChars: 2048,
  titleMaxChars: 300,
  /** Pages kept in the visitor's page history, newest first. */
  historyMaxPages: 10,
} as const;

/** An http(s) URL of at most 2,048 characters, without control characters. */
function webUrl(field: string) {
  return z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(CONTEXT_LIMITS.urlMaxChars, `${field} must be at most ${CONTEXT_LIMITS.urlMaxChars} characters`)
    .check(plainText(field))
    .check(wellFormedText(field))
    .refine(
      (value) => {
        if (!URL.canParse(value)) return false;
        const { protocol } = new URL(value);
        return protocol === "http:" || protocol === "https:";
      },
      { message: `${field} must be an http(s) URL` },
    );
}

/** An IANA time zone the server's Intl knows ("Europe/Berlin"). */
const timeZoneSchema = z
  .string()
  .trim()
  .min(1, "time_zone must not be empty")
  .max(64, "time_zone must be at most 64 characters")
  .check(plainText("time_zone"))
  .refine(
    (value) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: value });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'time_zone must be an IANA time zone, e.g. "Europe/Berlin"' },
  );

/** What the widget reports on open and on every navigation of the host page. */
export const reportVisitorContextInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The visitor's id (the path's)." }),
  visitor_id: visitorIdSchema.meta({
    description: "The visitor's own id again, as for every visitor call (the same as in the path).",
  }),
  page_url: webUrl("page_url").meta({
    description:
      "The host page's URL (http or https, at most 2,048 characters). Its fragment (`#…`) is dropped before it " +
      "is stored; path and query are kept.",
    example: "https://example.com/pricing?plan=team",
  }),
  page_title: z
    .string({ error: "page_title must be a string" })
    .trim()
    .max(
      CONTEXT_LIMITS.titleMaxChars,
      `page_title must be at most ${CONTEXT_LIMITS.titleMaxChars} characters`,
    )
    .check(plainText("page_title"))
    .check(wellFormedText("page_title"))
    .optional()
    .meta({ description: "The host page's title (document.title).", example: "Pricing — Example" }),
  referrer: webUrl("referrer")
    .optional()
    .meta({ description: "Where the visitor came from (document.referrer), if anywhere." }),
  language: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/, 'language must be a language tag, e.g. "de-AT"')
    .max(35)
    .optional()
    .meta({ description: "The browser's language (navigator.language).", example: "de-AT" }),
  time_zone: timeZoneSchema
    .optional()
    .meta({ description: "The browser's IANA time zone.", example: "Europe/Vienna" }),
  utc_offset_minutes: z
    .number({ error: "utc_offset_minutes must be a number" })
    .int("utc_offset_minutes must be a whole number")
    .min(-840, "utc_offset_minutes must be between -840 and 840")
    .max(840, "utc_offset_minutes must be between -840 and 840")
    .optional()
    .meta({
      description: "The browser's offset from UTC in minutes (east positive: +60 in Berlin in winter).",
    }),
});
export type ReportVisitorContextInput = z.infer<typeof reportVisitorContextInputSchema>;

export const visitedPageSchema = z
  .object({
    url: z.string(),
    title: z.string().nullable(),
    at: z.iso.datetime().meta({ description: "When the visitor opened it (as reported)." }),
  })
  .meta({ id: "VisitedPage" });

/** The visit as stored on the visitor (visitors.context) and shown to the team. */
export const visitorContextSchema = z
  .object({
    page_url: z.string().meta({ description: "The page the visitor is on (without its fragment)." }),
    page_title: z.string().nullable(),
    referrer: z.string().nullable(),
    language: z.string().nullable(),
    time_zone: z.string().nullable(),
    utc_offset_minutes: z.number().int().nullable(),
    updated_at: z.iso.datetime().meta({ description: "When the widget last reported." }),
    pages: z
      .array(visitedPageSchema)
      .meta({ description: `The last ${CONTEXT_LIMITS.historyMaxPages} pages, newest first.` }),
  })
  .meta({ id: "VisitorContext" });
export type VisitorContextDto = z.infer<typeof visitorContextSchema>;

/** `visitor.context_updated`: the visitor is on another page (live, to the inbox). */
export const visitorContextUpdatedSchema = z
  .object({
    visitor_id: z.uuid(),
    page_url: z.string(),
    page_title: z.string().nullable(),
  })
  .meta({ id: "VisitorContextUpdatedEvent" });
