import type { Metadata } from "next";
import Link from "next/link";
import { adminPage, orInvalidFilter, param } from "~/app/admin/_lib/admin-page";
import { formatTime, metadataPreview, queryString } from "../../_components/format";
import { ListResult } from "../../_components/list-result";

export const metadata: Metadata = { title: "Visitors" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function VisitorsPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const search = param(query.search);
  const sort = param(query.sort);
  const cursor = param(query.cursor);
  const { caller } = await adminPage(`/admin/visitors${queryString({ search, sort })}`);
  const result = await orInvalidFilter(
    caller.admin.visitors.list({
      search,
      cursor,
      limit: 50,
      // Any other value is refused by the procedure's schema and shown as a message below.
      ...(sort !== undefined && { sort: sort as "created" | "last_seen" }),
    }),
  );
  return (
    <>
      <h1>Visitors</h1>
      <form className="filters" method="get" role="search">
        <label>
          Search (id or metadata text)
          <input
            name="search"
            defaultValue={search}
            placeholder="e.g. en-GB, /pricing, a visitor id"
            size={36}
          />
        </label>
        <label>
          Sort by
          <select name="sort" defaultValue={sort ?? "created"}>
            <option value="created">Newest first</option>
            <option value="last_seen">Last seen</option>
          </select>
        </label>
        <button type="submit">Search</button>
        {(search || sort) && (
          <Link className="button secondary" href="/admin/visitors">
            Clear
          </Link>
        )}
      </form>
      <ListResult
        result={result}
        path="/admin/visitors"
        query={{ search, sort }}
        cursor={cursor}
        columns={5}
        head={
          <>
            <th>Visitor</th>
            <th>Metadata</th>
            <th className="num">Sessions</th>
            <th>Created</th>
            <th>Last seen</th>
          </>
        }
        empty={search ? `No visitor matches “${search}”.` : "No visitors yet."}
        row={(visitor) => (
          <tr key={visitor.id}>
            <td>
              <Link className="mono" href={`/admin/visitors/${visitor.id}`}>
                {visitor.id.slice(0, 8)}
              </Link>
            </td>
            <td>{metadataPreview(visitor.metadata)}</td>
            <td className="num">{visitor.session_count}</td>
            <td>{formatTime(visitor.created_at)}</td>
            <td>{formatTime(visitor.last_seen_at)}</td>
          </tr>
        )}
      />
    </>
  );
}
