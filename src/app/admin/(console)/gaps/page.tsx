import type { Metadata } from "next";
import Link from "next/link";
import { adminPage, orInvalidFilter, param } from "~/app/admin/_lib/admin-page";
import { GAP_DAYS_DEFAULT } from "~/server/admin/gaps/gaps.schema";
import { formatTime, queryString } from "../../_components/format";

export const metadata: Metadata = { title: "Knowledge gaps" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const REASON_LABELS = { no_answer: "no answer", thumbs_down: "thumbs down", handoff: "handoff" } as const;

/** Where the knowledge-base editor writes a new article, pre-filled with the question. */
function newArticleHref(question: string): string {
  return `/admin/knowledge/new?question=${encodeURIComponent(question)}`;
}

export default async function GapsPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const days = param(query.days);
  const { caller } = await adminPage(`/admin/gaps${queryString({ days })}`);
  const result = await orInvalidFilter(
    // Any other value is refused by the procedure's schema and shown as a message below.
    caller.admin.gaps({ days: (days ?? GAP_DAYS_DEFAULT) as number }),
  );
  return (
    <>
      <h1>Knowledge gaps</h1>
      <p className="muted">
        Visitor questions the help articles did not answer confidently, or whose reply was rated down, grouped
        by similar wording. Write an article for the frequent ones.
      </p>
      <form className="filters" method="get">
        <label>
          Last
          <input type="number" name="days" min={1} max={365} defaultValue={days ?? GAP_DAYS_DEFAULT} />
          days
        </label>
        <button type="submit">Show</button>
      </form>
      {"error" in result ? (
        <p role="alert">{result.error}</p>
      ) : result.data.groups.length === 0 ? (
        <p className="muted">No gaps in the last {result.data.days} days.</p>
      ) : (
        <>
          <p className="muted">
            {result.data.signals} signals since {formatTime(result.data.since)}
            {result.data.truncated && " (only the most recent were grouped)"}.
          </p>
          <table aria-label="Knowledge gaps">
            <thead>
              <tr>
                <th>Question</th>
                <th className="num">Count</th>
                <th>Why</th>
                <th>Last seen</th>
                <th>Transcripts</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {result.data.groups.map((group) => {
                const sessionIds = [...new Set(group.examples.map((example) => example.session_id))];
                return (
                  <tr key={`${group.examples[0]?.message_id ?? group.question}`} data-testid="gap-group">
                    <td>
                      <div className="gap-question">{group.question}</div>
                      {group.examples.length > 1 && (
                        <ul className="muted gap-examples">
                          {group.examples.slice(1).map((example) => (
                            <li key={`${example.message_id}-${example.reason}`}>{example.question}</li>
                          ))}
                        </ul>
                      )}
                      {group.examples
                        .filter((example) => example.comment)
                        .map((example) => (
                          <div key={`c-${example.message_id}`} className="muted">
                            “{example.comment}”
                          </div>
                        ))}
                    </td>
                    <td className="num" data-testid="gap-count">
                      {group.count}
                    </td>
                    <td>
                      {Object.entries(group.reasons)
                        .filter(([, count]) => count > 0)
                        .map(
                          ([reason, count]) =>
                            `${count} ${REASON_LABELS[reason as keyof typeof REASON_LABELS]}`,
                        )
                        .join(", ")}
                    </td>
                    <td>{formatTime(group.last_seen_at)}</td>
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
                        <span className="muted"> (+{group.sessions - sessionIds.length} more)</span>
                      )}
                    </td>
                    <td>
                      <Link
                        className="button secondary"
                        href={newArticleHref(group.question)}
                        // The editor is another area's page: no prefetch of a page that may not be deployed.
                        prefetch={false}
                      >
                        Write an article
                      </Link>
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
