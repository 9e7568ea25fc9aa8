import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { adminPage, canSee, orInvalidFilter, param } from "~/app/admin/_lib/admin-page";
import { GAP_DAYS_DEFAULT, GAP_DAYS_MAX } from "~/server/admin/gaps/gaps.schema";
import { queryString } from "../../_components/format";
import { AddToSuite } from "./add-to-suite";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminGaps");
  return { title: t("heading") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Why a question counts as a gap, each with its label in the catalogue. */
const REASONS = ["no_answer", "thumbs_down", "handoff"] as const;
type Reason = (typeof REASONS)[number];
function isReason(value: string): value is Reason {
  return (REASONS as readonly string[]).includes(value);
}

/** Times in the page's language, in UTC: the same moment for every admin whatever their zone. */
const WHEN = {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
} as const satisfies Intl.DateTimeFormatOptions;

/** Where the knowledge-base editor writes a new article, pre-filled with the question. */
function newArticleHref(question: string): string {
  return `/admin/knowledge/new?question=${encodeURIComponent(question)}`;
}

export default async function GapsPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const days = param(query.days);
  const { admin, caller } = await adminPage(`/admin/gaps${queryString({ days })}`, "agent");
  const result = await orInvalidFilter(
    // Any other value is refused by the procedure's schema and shown as a message below.
    caller.admin.gaps({ days: (days ?? GAP_DAYS_DEFAULT) as number }),
  );
  const t = await getTranslations("AdminGaps");
  const format = await getFormatter();
  return (
    <>
      <h1>{t("heading")}</h1>
      <p className="muted">{t("intro")}</p>
      <form className="filters" method="get">
        <label>
          {t("daysBefore")}
          <input
            type="number"
            name="days"
            min={1}
            max={GAP_DAYS_MAX}
            defaultValue={days ?? GAP_DAYS_DEFAULT}
          />
          {t("daysAfter")}
        </label>
        <button type="submit">{t("show")}</button>
      </form>
      {"error" in result ? (
        <p role="alert">{result.error}</p>
      ) : result.data.groups.length === 0 ? (
        <p className="muted">{t("empty", { days: result.data.days })}</p>
      ) : (
        <>
          <p className="muted">
            {t(result.data.truncated ? "signalsTruncated" : "signals", {
              count: result.data.signals,
              since: format.dateTime(new Date(result.data.since), WHEN),
            })}
          </p>
          <table aria-label={t("heading")}>
            <thead>
              <tr>
                <th>{t("columns.question")}</th>
                <th className="num">{t("columns.count")}</th>
                <th>{t("columns.why")}</th>
                <th>{t("columns.lastSeen")}</th>
                <th>{t("columns.transcripts")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {result.data.groups.map((group) => {
                const sessionIds = [...new Set(group.examples.map((example) => example.session_id))];
                return (
                  <tr key={`${group.examples[0]?.message_id ?? group.question}`} data-testid="gap-group">
                    <td>
                      <div className="gap-question" dir="auto">
                        {group.question}
                      </div>
                      {group.examples.length > 1 && (
                        <ul className="muted gap-examples">
                          {group.examples.slice(1).map((example) => (
                            <li key={`${example.message_id}-${example.reason}`} dir="auto">
                              {example.question}
                            </li>
                          ))}
                        </ul>
                      )}
                      {group.examples.map(
                        (example) =>
                          example.comment && (
                            <div key={`c-${example.message_id}`} className="muted" dir="auto">
                              {t("comment", { comment: example.comment })}
                            </div>
                          ),
                      )}
                    </td>
                    <td className="num" data-testid="gap-count">
                      {format.number(group.count)}
                    </td>
                    <td>
                      {format.list(
                        Object.entries(group.reasons)
                          .filter(([, count]) => count > 0)
                          .map(([reason, count]) =>
                            isReason(reason) ? t(`reasons.${reason}`, { count }) : `${count} ${reason}`,
                          ),
                        { type: "unit", style: "short" },
                      )}
                    </td>
                    <td>{format.dateTime(new Date(group.last_seen_at), WHEN)}</td>
                    <td>
                      {sessionIds.map((sessionId, index) => (
                        <span key={sessionId}>
                          {index > 0 && " · "}
                          <Link className="mono" href={`/admin/sessions/${sessionId}`}>
                            {sessionId.slice(0, 8)}
                          </Link>
                        </span>
                      ))}
                      {group.sessions > sessionIds.length && (
                        <span className="muted">
                          {" "}
                          {t("moreSessions", { count: group.sessions - sessionIds.length })}
                        </span>
                      )}
                    </td>
                    <td>
                      {canSee(admin, "admin") && (
                        <>
                          <Link
                            className="button secondary"
                            href={newArticleHref(group.question)}
                            // The editor is another area's page: no prefetch of a page that may not be deployed.
                            prefetch={false}
                          >
                            {t("writeArticle")}
                          </Link>{" "}
                          <Link
                            className="button secondary"
                            href={`/admin/knowledge/tests?question=${encodeURIComponent(group.question)}`}
                            prefetch={false}
                          >
                            {t("testQuestion")}
                          </Link>
                          <AddToSuite question={group.question} />
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
