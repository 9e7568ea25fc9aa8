import type { Metadata } from "next";
import Link from "next/link";
import { adminPage, orInvalidFilter, param } from "~/app/admin/_lib/admin-page";
import { AUDIT_ACTIONS, type AuditAction } from "~/server/admin/audit/audit.schema";
import { formatTime, queryString } from "../../_components/format";
import { ListResult } from "../../_components/list-result";

export const metadata: Metadata = { title: "Audit log" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** What admins and API keys did, newest first; read-only (nothing in the app changes an entry). */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const filters = {
    action: param(query.action),
    actor: param(query.actor),
    from: param(query.from),
    to: param(query.to),
  };
  const cursor = param(query.cursor);
  const { caller } = await adminPage(`/admin/audit${queryString(filters)}`);
  const result = await orInvalidFilter(
    caller.admin.audit.list({
      ...filters,
      // Any other value is refused by the procedure's schema and shown as a message below.
      action: filters.action as AuditAction | undefined,
      cursor,
      limit: 50,
    }),
  );
  return (
    <>
      <h1>Audit log</h1>
      <form className="filters" method="get">
        <label>
          Action
          <select name="action" defaultValue={filters.action ?? ""}>
            <option value="">Any</option>
            {AUDIT_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actor
          <input name="actor" defaultValue={filters.actor} placeholder="email, key name or id" size={24} />
        </label>
        <label>
          From
          <input type="date" name="from" defaultValue={filters.from} />
        </label>
        <label>
          to
          <input type="date" name="to" defaultValue={filters.to} />
        </label>
        <button type="submit">Filter</button>
        {Object.values(filters).some(Boolean) && (
          <Link className="button secondary" href="/admin/audit">
            Clear
          </Link>
        )}
      </form>
      <ListResult
        result={result}
        path="/admin/audit"
        query={filters}
        cursor={cursor}
        columns={6}
        head={
          <>
            <th>When</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Object</th>
            <th>Detail</th>
            <th>From</th>
          </>
        }
        empty="No entries match these filters."
        row={(entry) => (
          <tr key={entry.id}>
            <td>{formatTime(entry.created_at)}</td>
            <td>
              {entry.actor_name}
              <br />
              <span className="muted">{entry.actor_kind === "api_key" ? "API key" : "admin"}</span>
            </td>
            <td className="mono">{entry.action}</td>
            <td>
              {entry.object_type === "visitor" && entry.action !== "visitor.deleted" && entry.object_id ? (
                <Link className="mono" href={`/admin/visitors/${entry.object_id}`}>
                  visitor {entry.object_id.slice(0, 8)}
                </Link>
              ) : entry.object_type ? (
                <span className="mono">
                  {entry.object_type} {entry.object_id?.slice(0, 8)}
                </span>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td className="mono">
              {Object.keys(entry.detail).length > 0 ? JSON.stringify(entry.detail) : ""}
            </td>
            <td className="mono">{entry.client_address ?? ""}</td>
          </tr>
        )}
      />
    </>
  );
}
