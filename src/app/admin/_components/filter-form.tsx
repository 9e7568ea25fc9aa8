import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

interface FilterFormProps {
  /** The list page's path: Clear goes back to it without filters. */
  path: string;
  /** The filters in force (Clear is offered once one is set). */
  filters: Record<string, string | undefined>;
  /** "search": a search landmark whose button says Search; otherwise the button says Filter. */
  kind?: "filter" | "search";
  /** The fields, named as the URL's parameters. */
  children: ReactNode;
  /** After the buttons, at the end of the row (e.g. export links). */
  end?: ReactNode;
}

/** The filters above an admin list: a GET form (the filters live in the URL), its button, and Clear. */
export function FilterForm({ path, filters, kind = "filter", children, end }: FilterFormProps) {
  const t = useTranslations("AdminCommon");
  return (
    <form className="filters" method="get" role={kind === "search" ? "search" : undefined}>
      {children}
      <button type="submit">{t(kind)}</button>
      {Object.values(filters).some(Boolean) && (
        <Link className="button secondary" href={path}>
          {t("clear")}
        </Link>
      )}
      {end}
    </form>
  );
}

/** A range of days among the filters, as the URL's `from` and `to` (labels from the page's catalogue). */
export function DateRangeFields(props: {
  filters: { from?: string | undefined; to?: string | undefined };
  labels: { from: string; to: string };
}) {
  return (
    <>
      <label>
        {props.labels.from}
        <input type="date" name="from" defaultValue={props.filters.from} />
      </label>
      <label>
        {props.labels.to}
        <input type="date" name="to" defaultValue={props.filters.to} />
      </label>
    </>
  );
}
