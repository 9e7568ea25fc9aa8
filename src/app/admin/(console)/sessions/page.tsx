import type { Metadata } from "next";
import Link from "next/link";
import { adminPage, orInvalidFilter, param } from "~/app/admin/_lib/admin-page";
import type { SESSION_STATUS_FILTERS } from "~/server/admin/sessions/session-admin.schema";
import { formatTime, queryString } from "../../_components/format";
import { ListResult } from "../../_components/list-result";

export const metadata: Metadata = { title: "Sessions" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
type StatusFilter = (typeof SESSION_STATUS_FILTERS)[number];

export default async function SessionsPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const filters = {
    from: param(query.from),
    to: param(query.to),
    status: param(query.status),
    visitor_id: param(query.visitor_id),
  };
  const cursor = param(query.cursor);
  const { caller } = await adminPage(`/admin/sessions${queryString(filters)}`);
  const result = await orInvalidFilter(
    caller.admin.sessions.list({
      ...filters,
      // Any other value is refused by the procedure's schema and shown as a message below.
      status: filters.status as StatusFilter | undefined,
      cursor,
      limit: 50,
    }),
  );
  const exportQuery = (format: "csv" | "json") => queryString({ from: filters.from, to: filters.to, format });
  return (
    <>
      <h1>Sessions</h1>
      <form className="filters" method="get">
        <label>
          Started from
          <input type="date" name="from" defaultValue={filters.from} />
        </label>
        <label>
          to
          <input type="date" name="to" defaultValue={filters.to} />
        </label>
        <label>
          Replies
          <select name="status" defaultValue={filters.status ?? "any"}>
            <option value="any">Any</option>
            <option value="failed">With a failed reply</option>
            <option value="ok">No failed reply</option>
          </select>
        </label>
        {filters.visitor_id && <input type="hidden" name="visitor_id" value={filters.visitor_id} />}
        <button type="submit">Filter</button>
        {Object.values(filters).some(Boolean) && (
          <Link className="button secondary" href="/admin/sessions">
            Clear
          </Link>
        )}
        <span style={{ marginLeft: "auto" }} className="muted">
          Export sessions started in this range:{" "}
          <a href={`/api/admin/exports/sessions/${exportQuery("csv")}`} download>
            CSV
          </a>{" "}
          ·{" "}
          <a href={`/api/admin/exports/sessions/${exportQuery("json")}`} download>
            JSON
          </a>
        </span>
      </form>
      {filters.visitor_id && (
        <p className="muted">
          Sessions of visitor{" "}
          <Link className="mono" href={`/admin/visitors/${filters.visitor_id}`}>
            {filters.visitor_id}
          </Link>
        </p>
      )}
      <ListResult
        result={result}
        path="/admin/sessions"
        query={filters}
        cursor={cursor}
        columns={6}
        head={
          <>
            <th>Title</th>
            <th>Visitor</th>
            <th className="num">Messages</th>
            <th className="num">Failed</th>
            <th>Started</th>
            <th>Last activity</th>
          </>
        }
        empty="No sessions match these filters."
        row={(session) => (
          <tr key={session.id}>
            <td>
              <Link href={`/admin/sessions/${session.id}`}>{session.title ?? "(untitled)"}</Link>
            </td>
            <td>
              <Link className="mono" href={`/admin/visitors/${session.visitor_id}`}>
                {session.visitor_id.slice(0, 8)}
              </Link>
            </td>
            <td className="num">{session.message_count}</td>
            <td className="num">
              {session.failed_count > 0 ? (
                <span className="badge failed">{session.failed_count}</span>
              ) : (
                <span className="muted">0</span>
              )}
            </td>
            <td>{formatTime(session.created_at)}</td>
            <td>{formatTime(session.updated_at)}</td>
          </tr>
        )}
      />
    </>
  );
}
