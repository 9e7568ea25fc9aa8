"use client";

import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import type { AppRouter } from "~/server/api/root";

export type VisitorContext = inferRouterOutputs<AppRouter>["admin"]["sessions"]["transcript"]["context"];

/** The visitor's clock is redrawn this often (minutes are shown). */
const CLOCK_TICK_MS = 15_000;

const isWebUrl = (url: string | null): url is string => !!url && /^https?:\/\//i.test(url);

/** An outside link (the visitor's page, the referrer): opened apart, with nothing of the admin's page sent along. */
function OutsideLink({ url, text, testId }: { url: string | null; text?: string | null; testId?: string }) {
  if (!url) return <>—</>;
  if (!isWebUrl(url))
    return (
      <bdi className="mono" data-testid={testId}>
        {url}
      </bdi>
    );
  return (
    <a href={url} target="_blank" rel="noopener noreferrer nofollow" data-testid={testId} title={url}>
      <bdi>{text || url}</bdi>
    </a>
  );
}

/** The visitor's local time, live: from the time zone, else the UTC offset. Drawn after mount (no clock on the server). */
function LocalTime({ timeZone, offset }: { timeZone: string | null; offset: number | null }) {
  const format = useFormatter();
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const first = window.setTimeout(tick, 0);
    const timer = window.setInterval(tick, CLOCK_TICK_MS);
    return () => {
      window.clearTimeout(first);
      window.clearInterval(timer);
    };
  }, []);
  if (now === null || (timeZone === null && offset === null)) return <>—</>;
  const time = timeZone
    ? format.dateTime(new Date(now), { timeStyle: "short", timeZone })
    : format.dateTime(new Date(now + offset! * 60_000), { timeStyle: "short", timeZone: "UTC" });
  const sign = offset !== null && offset < 0 ? "−" : "+";
  const utc =
    offset === null
      ? ""
      : `UTC${sign}${Math.floor(Math.abs(offset) / 60)}${Math.abs(offset) % 60 ? `:${String(Math.abs(offset) % 60).padStart(2, "0")}` : ""}`;
  return (
    <span data-testid="context-local-time">
      {time}{" "}
      <span className="muted">
        (<bdi>{[timeZone, utc].filter(Boolean).join(", ")}</bdi>)
      </span>
    </span>
  );
}

/** Beside a conversation: where the visitor is, who they are (verified only by HMAC), what else they asked. */
export function VisitorContextPanel({
  context,
  userAgent = null,
  headingLevel = 3,
}: {
  context: VisitorContext;
  /** The raw user agent string the browser line is parsed from: its title (on hover), never shown twice. */
  userAgent?: string | null;
  headingLevel?: 2 | 3;
}) {
  const t = useTranslations("AdminVisitorContext");
  const format = useFormatter();
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const Sub = headingLevel === 2 ? "h3" : "h4";
  const { user } = context;
  const browser =
    context.browser && context.os
      ? t("browserOn", { browser: context.browser, os: context.os })
      : (context.browser ?? context.os ?? t("unknown"));
  return (
    <section className="visitor-context" aria-label={t("heading")} data-testid="visitor-context">
      <Heading>{t("heading")}</Heading>
      <dl>
        <dt>{t("page")}</dt>
        <dd>
          {context.page ? (
            <OutsideLink url={context.page.url} text={context.page.title} testId="context-page" />
          ) : (
            <span className="muted">{t("noPage")}</span>
          )}
        </dd>
        <dt>{t("referrer")}</dt>
        <dd>
          {context.referrer ? (
            <OutsideLink url={context.referrer} />
          ) : (
            <span className="muted">{t("direct")}</span>
          )}
        </dd>
        <dt>{t("language")}</dt>
        <dd>
          <bdi>{context.language ?? "—"}</bdi>
        </dd>
        <dt>{t("browser")}</dt>
        <dd data-testid="context-browser" title={userAgent ?? undefined}>
          <bdi>{browser}</bdi>
        </dd>
        <dt>{t("localTime")}</dt>
        <dd>
          <LocalTime timeZone={context.time_zone} offset={context.utc_offset_minutes} />
        </dd>
        <dt>{t("user")}</dt>
        <dd data-testid="context-user" data-verified={user.verified}>
          {user.name || user.email || user.user_id ? (
            <>
              {user.name && <bdi>{user.name}</bdi>}
              {user.email && (
                <>
                  {user.name && " · "}
                  <bdi>{user.email}</bdi>
                </>
              )}
              {user.user_id && (
                <>
                  {(user.name || user.email) && " · "}
                  <bdi className="mono">{user.user_id}</bdi>
                </>
              )}{" "}
              {user.verified ? (
                <span className="badge complete">{t("verified")}</span>
              ) : (
                <span className="badge">{t("unverified")}</span>
              )}
            </>
          ) : (
            <span className="muted">{t("anonymous")}</span>
          )}
        </dd>
      </dl>
      {context.pages.length > 1 && (
        <details>
          <summary>{t("pages", { count: context.pages.length })}</summary>
          <ol className="visitor-context-pages">
            {context.pages.map((page) => (
              <li key={`${page.at}-${page.url}`}>
                <OutsideLink url={page.url} text={page.title} />{" "}
                <time className="muted" dateTime={page.at}>
                  {format.dateTime(new Date(page.at), { timeStyle: "short" })}
                </time>
              </li>
            ))}
          </ol>
        </details>
      )}
      <Sub>{t("previous")}</Sub>
      {context.previous_sessions.length === 0 ? (
        <p className="muted">{t("noPrevious")}</p>
      ) : (
        <ul className="visitor-context-previous" data-testid="context-previous">
          {context.previous_sessions.map((session) => (
            <li key={session.id}>
              <Link href={`/admin/sessions/${session.id}`}>
                <bdi>{session.title ?? t("untitled")}</bdi>
              </Link>{" "}
              <time className="muted" dateTime={session.created_at}>
                {format.dateTime(new Date(session.created_at), { dateStyle: "medium" })}
              </time>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
