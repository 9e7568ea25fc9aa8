import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../deps";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../ids";
import { commitChange } from "../events/commit-change";
import {
  CONTEXT_LIMITS,
  visitorContextSchema,
  type ReportVisitorContextInput,
  type VisitorContextDto,
} from "./visitor-context.schema";

/**
 * A page URL as it is stored: without its fragment (`#…`: client-side state, often an access token in OAuth-style
 * redirects). Path and query are kept: they say which page it is; sites that put secrets in query strings should
 * not embed the widget on those pages (docs/widget.md).
 */
export function storedPageUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hash = "";
  // Credentials in a URL are never the page: drop them too.
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

/** The stored context of a visitor (visitors.context), or null when there is none or it does not parse. */
export function readVisitorContext(value: unknown): VisitorContextDto | null {
  const parsed = visitorContextSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * The widget reports the page the visitor is on (on open and on each navigation of the host page): stored on the
 * visitor as the current page, with the last 10 pages (a report of the page already current only updates its
 * title), and announced live to the visitor's most recent session, where the inbox shows it. Only the visitor
 * itself may report (its own id as `visitor_id`).
 */
export async function reportVisitorContext(
  deps: ChatDeps,
  input: ReportVisitorContextInput,
): Promise<VisitorContextDto> {
  if (input.visitor_id.toLowerCase() !== input.id.toLowerCase()) throw new AppError("VISITOR_ID_MISMATCH");
  if (!isUuid(input.id)) throw new AppError("VISITOR_NOT_FOUND");
  const visitor = await deps.db.visitor.findUnique({
    where: { id: input.id },
    select: {
      context: true,
      sessions: { orderBy: [{ updated_at: "desc" }, { id: "desc" }], take: 1, select: { id: true } },
    },
  });
  if (!visitor) throw new AppError("VISITOR_NOT_FOUND");
  const now = deps.now?.() ?? new Date();
  const before = readVisitorContext(visitor.context);
  const url = storedPageUrl(input.page_url);
  const title = input.page_title || null;
  const samePage = before?.pages[0]?.url === url;
  const pages = samePage
    ? [{ ...before!.pages[0]!, title: title ?? before!.pages[0]!.title }, ...before!.pages.slice(1)]
    : [{ url, title, at: now.toISOString() }, ...(before?.pages ?? [])].slice(
        0,
        CONTEXT_LIMITS.historyMaxPages,
      );
  const context: VisitorContextDto = {
    page_url: url,
    page_title: pages[0]!.title,
    referrer: input.referrer ? storedPageUrl(input.referrer) : (before?.referrer ?? null),
    language: input.language ?? before?.language ?? null,
    time_zone: input.time_zone ?? before?.time_zone ?? null,
    utc_offset_minutes: input.utc_offset_minutes ?? before?.utc_offset_minutes ?? null,
    updated_at: now.toISOString(),
    pages,
  };
  const sessionId = visitor.sessions[0]?.id;
  // updateMany: a visitor erased meanwhile is "not found", never a database error.
  const [updated] = await commitChange(deps, {
    writes: [
      deps.db.visitor.updateMany({
        where: { id: input.id },
        data: { context: context as unknown as Prisma.InputJsonObject, last_seen_at: now },
      }),
    ],
    events: sessionId
      ? [
          {
            type: "visitor.context_updated",
            session_id: sessionId,
            data: { visitor_id: input.id, page_url: url, page_title: context.page_title },
          },
        ]
      : [],
    at: now,
  });
  if (Number(updated.count) === 0) throw new AppError("VISITOR_NOT_FOUND");
  return context;
}
