import Bowser from "bowser";
import { z } from "zod";
import type { ChatDeps } from "../../chat/deps";
import { sessionModeSchema } from "../../chat/sessions/session.schema";
import { readVisitorContext } from "../../chat/visitors/report-context";
import { visitedPageSchema } from "../../chat/visitors/visitor-context.schema";

/** Previous conversations shown beside the open one. */
const PREVIOUS_SESSIONS_MAX = 10;

/** The visitor's context as the team sees it beside a conversation (docs/admin.md "The visitor's context"). */
export const adminVisitorContextSchema = z
  .object({
    page: z.object({ url: z.string(), title: z.string().nullable() }).nullable().meta({
      description: "The page the visitor is on (last reported by the widget); null if never reported.",
    }),
    reported_at: z.iso.datetime().nullable().meta({ description: "When the widget last reported the page." }),
    pages: z.array(visitedPageSchema).meta({ description: "The last 10 pages, newest first." }),
    referrer: z.string().nullable(),
    language: z.string().nullable().meta({ description: "The browser's language, e.g. de-AT." }),
    time_zone: z
      .string()
      .nullable()
      .meta({ description: "The browser's IANA time zone (for the visitor's local time)." }),
    utc_offset_minutes: z.number().int().nullable(),
    browser: z.string().nullable().meta({ description: 'From the user agent, e.g. "Chrome 120".' }),
    os: z.string().nullable().meta({ description: 'From the user agent, e.g. "macOS 10.15.7".' }),
    device: z.string().nullable().meta({ description: "desktop, mobile, tablet or tv; null if unknown." }),
    user: z
      .object({
        verified: z.boolean().meta({
          description: "True only when identify() proved the user with a valid user_hash (HMAC).",
        }),
        user_id: z
          .string()
          .nullable()
          .meta({ description: "The proven user id, or the one claimed without a hash (unverified)." }),
        name: z.string().nullable(),
        email: z.string().nullable(),
      })
      .meta({ description: "What identify() said about the user." }),
    previous_sessions: z
      .array(
        z.object({
          id: z.uuid(),
          title: z.string().nullable(),
          created_at: z.iso.datetime(),
          mode: sessionModeSchema,
        }),
      )
      .meta({
        description: `The visitor's other conversations, newest first (at most ${PREVIOUS_SESSIONS_MAX}).`,
      }),
  })
  .meta({ id: "AdminVisitorContext" });
export type AdminVisitorContextDto = z.infer<typeof adminVisitorContextSchema>;

const text = (value: unknown): string | null =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : null;

function named(part: { name?: string; version?: string; versionName?: string } | undefined): string | null {
  if (!part?.name) return null;
  // Windows says "NT 10.0" for Windows 10 and 11: its marketing name reads better.
  if (part.version?.startsWith("NT") && part.versionName) return `${part.name} ${part.versionName}`;
  return part.version ? `${part.name} ${part.version.split(".").slice(0, 2).join(".")}` : part.name;
}

/** Browser, OS and device type from a user agent string (bowser, MIT). */
export function parseUserAgent(
  userAgent: string | null,
): Pick<AdminVisitorContextDto, "browser" | "os" | "device"> {
  if (!userAgent) return { browser: null, os: null, device: null };
  const parsed = Bowser.parse(userAgent.slice(0, 1000));
  return {
    browser: named(parsed.browser),
    os: named(parsed.os),
    device: parsed.platform.type ?? null,
  };
}

type VisitorRow = {
  id: string;
  metadata: unknown;
  context: unknown;
  user_id: string | null;
  email: string | null;
};

/** The context of the visitor of session `sessionId`: the widget's reports, the user agent, identity, history. */
export async function visitorContextOf(
  deps: ChatDeps,
  visitor: VisitorRow,
  sessionId: string,
): Promise<AdminVisitorContextDto> {
  // The keys read here are CONTEXT_METADATA_KEYS (src/shared/visitor-metadata.ts): the pages do not list them again.
  const metadata = (visitor.metadata ?? {}) as Record<string, unknown>;
  const reported = readVisitorContext(visitor.context);
  const previous = await deps.db.session.findMany({
    where: { visitor_id: visitor.id, id: { not: sessionId } },
    orderBy: [{ created_at: "desc" }, { id: "desc" }],
    take: PREVIOUS_SESSIONS_MAX,
    select: { id: true, title: true, created_at: true, mode: true },
  });
  // Before the first report, what the widget said when the visitor was created (metadata).
  const firstUrl = text(metadata.page_url);
  return {
    page: reported
      ? { url: reported.page_url, title: reported.page_title }
      : firstUrl
        ? { url: firstUrl, title: null }
        : null,
    reported_at: reported?.updated_at ?? null,
    pages: reported?.pages ?? [],
    referrer: reported?.referrer ?? text(metadata.referrer),
    language: reported?.language ?? text(metadata.locale),
    time_zone: reported?.time_zone ?? null,
    utc_offset_minutes: reported?.utc_offset_minutes ?? null,
    ...parseUserAgent(text(metadata.user_agent)),
    user: {
      verified: visitor.user_id !== null,
      user_id: visitor.user_id ?? text(metadata.unverified_user_id),
      name: text(metadata.name),
      email: visitor.email,
    },
    previous_sessions: previous.map((row) => ({
      id: row.id,
      title: row.title,
      created_at: row.created_at.toISOString(),
      mode: row.mode,
    })),
  };
}
