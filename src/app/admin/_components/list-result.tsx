import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { queryString } from "./format";

type Query = Record<string, string | undefined>;

interface PagerProps {
  /** The list page's path, e.g. /admin/visitors. */
  path: string;
  /** The filters in force: kept on every link. */
  query: Query;
  /** The cursor of the page shown; none on the first page. */
  cursor: string | undefined;
  /** The cursor of the next page; null on the last page. */
  nextCursor: string | null;
}

/** Cursor paging of an admin list: back to the first page once past it, on to the next while there is one. */
export function Pager({ path, query, cursor, nextCursor }: PagerProps) {
  const t = useTranslations("AdminCommon");
  return (
    <div className="pager">
      {cursor && (
        <Link className="button secondary" href={`${path}${queryString(query)}`}>
          {t("firstPage")}
        </Link>
      )}
      {nextCursor && (
        <Link className="button secondary" href={`${path}${queryString({ ...query, cursor: nextCursor })}`}>
          {t("nextPage")}
        </Link>
      )}
    </div>
  );
}

/** A column's heading: its text, or the text and a class (`num` for a column of numbers). */
export type Heading = string | { label: string; className: string };

interface ListTableProps<T> {
  items: T[];
  /** The columns' headings, in order. */
  headings: readonly Heading[];
  /** A last column of buttons, with this name for screen readers only. */
  actions?: string;
  /** Shown in place of the rows when there are none. */
  empty: ReactNode;
  row: (item: T) => ReactNode;
}

/** An admin table: the header, a row each item, or one row saying there are none. */
export function ListTable<T>({ items, headings, actions, empty, row }: ListTableProps<T>) {
  return (
    <table>
      <thead>
        <tr>
          {headings.map((heading, index) =>
            typeof heading === "string" ? (
              <th key={index}>{heading}</th>
            ) : (
              <th key={index} className={heading.className}>
                {heading.label}
              </th>
            ),
          )}
          {actions !== undefined && (
            <th>
              <span className="sr-only">{actions}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {items.map(row)}
        {items.length === 0 && (
          <tr>
            <td colSpan={headings.length + (actions !== undefined ? 1 : 0)} className="muted">
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

interface ListResultProps<T> extends Omit<PagerProps, "nextCursor">, Omit<ListTableProps<T>, "items"> {
  /** A page of the list, or why the filters in the URL were refused. */
  result: { data: { items: T[]; next_cursor: string | null } } | { error: string };
}

/** An admin list under its filters: the filter error, or a table of one page (an empty state when none) and the pager. */
export function ListResult<T>({ result, headings, actions, empty, row, ...pager }: ListResultProps<T>) {
  if ("error" in result) {
    return (
      <p role="alert" className="error">
        {result.error}
      </p>
    );
  }
  const { items, next_cursor } = result.data;
  return (
    <>
      <ListTable items={items} headings={headings} actions={actions} empty={empty} row={row} />
      <Pager {...pager} nextCursor={next_cursor} />
    </>
  );
}
