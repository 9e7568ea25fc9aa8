import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { adminPage, orInvalidFilter, param } from "~/app/admin/_lib/admin-page";
import { REPORT_GROUPS, type ReportGroup, type ReportRowDto } from "~/server/admin/reports/reports.schema";
import { BarListChart } from "../../_components/bar-list-chart";
import { DailyBarChart } from "../../_components/daily-bar-chart";
import { formatDay, queryString } from "../../_components/format";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminReports");
  return { title: t("heading") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const isGroup = (value: string | undefined): value is ReportGroup =>
  (REPORT_GROUPS as readonly (string | undefined)[]).includes(value);

export default async function ReportsPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const filters = {
    from: param(query.from),
    to: param(query.to),
    group: param(query.group),
    tz: param(query.tz),
  };
  const { caller } = await adminPage(`/admin/reports${queryString(filters)}`, "agent");
  const result = await orInvalidFilter(
    // Any other value is refused by the procedure's schema and shown as a message below.
    caller.admin.reports({
      from: filters.from,
      to: filters.to,
      group: (filters.group ?? "day") as ReportGroup,
      tz: filters.tz ?? "UTC",
    }),
  );
  const t = await getTranslations("AdminReports");
  const locale = await getLocale();
  const number = new Intl.NumberFormat(locale);
  const decimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  const percentFormat = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const dash = "—";
  /** Seconds as the largest sensible unit, e.g. "45 s", "3.5 min", "2.1 h". */
  const duration = (seconds: number | null) => {
    if (seconds === null) return dash;
    if (seconds < 90) return t("seconds", { value: number.format(seconds) });
    if (seconds < 90 * 60) return t("minutes", { value: decimal.format(seconds / 60) });
    return t("hours", { value: decimal.format(seconds / 3600) });
  };
  const group = isGroup(filters.group) ? filters.group : "day";
  const csvHref = `/api/admin/reports/csv/${queryString({ ...filters, group })}`;
  const label = (key: string | null) =>
    key === null ? t("noAgent") : group === "day" ? formatDay(key, locale) : key;
  const cells = (row: ReportRowDto) => [
    number.format(row.conversations),
    number.format(row.handoffs),
    duration(row.first_response_seconds.p50),
    duration(row.first_response_seconds.p90),
    duration(row.resolution_seconds.p50),
    duration(row.resolution_seconds.p90),
    row.csat.average === null
      ? dash
      : t("csatValue", { average: decimal.format(row.csat.average), count: row.csat.count }),
    row.bot_resolution_rate === null ? dash : percentFormat.format(row.bot_resolution_rate),
  ];
  const columns = [
    t("columns.conversations"),
    t("columns.handoffs"),
    t("columns.firstResponseP50"),
    t("columns.firstResponseP90"),
    t("columns.resolutionP50"),
    t("columns.resolutionP90"),
    t("columns.csat"),
    t("columns.botResolution"),
  ];
  return (
    <>
      <h1>{t("heading")}</h1>
      <p className="muted">{t("intro")}</p>
      <form className="filters" method="get">
        <label>
          {t("from")}
          <input type="date" name="from" defaultValue={"data" in result ? result.data.from : filters.from} />
        </label>
        <label>
          {t("to")}
          <input type="date" name="to" defaultValue={"data" in result ? result.data.to : filters.to} />
        </label>
        <label>
          {t("group")}
          <select name="group" defaultValue={group}>
            <option value="day">{t("byDay")}</option>
            <option value="agent">{t("byAgent")}</option>
          </select>
        </label>
        <label>
          {t("timeZone")}
          <input type="text" name="tz" placeholder="UTC" defaultValue={filters.tz} size={16} />
        </label>
        <button type="submit">{t("show")}</button>
        <a className="button secondary filters-end" href={csvHref} download data-testid="report-csv">
          {t("csv")}
        </a>
      </form>
      {"error" in result ? (
        <p role="alert">{result.error}</p>
      ) : (
        <>
          <p className="muted" data-testid="report-range">
            {t("range", {
              from: formatDay(result.data.from, locale),
              to: formatDay(result.data.to, locale),
              tz: result.data.tz,
            })}
          </p>
          <section className="cards" aria-label={t("totals")}>
            {[
              { id: "conversations", label: columns[0], value: cells(result.data.totals)[0] },
              { id: "handoffs", label: columns[1], value: cells(result.data.totals)[1] },
              { id: "first-response", label: columns[2], value: cells(result.data.totals)[2] },
              { id: "csat", label: columns[6], value: cells(result.data.totals)[6] },
              { id: "bot-resolution", label: columns[7], value: cells(result.data.totals)[7] },
            ].map((card) => (
              <div className="card" key={card.id}>
                <div className="muted">{card.label}</div>
                <div className="value" data-testid={`report-total-${card.id}`}>
                  {card.value}
                </div>
              </div>
            ))}
          </section>
          <h2>{t("chartHeading")}</h2>
          {group === "day" ? (
            <DailyBarChart
              summary={t("chartSummary", {
                total: result.data.totals.conversations,
                groups: result.data.rows.length,
              })}
              barTitle={(date, value) => t("conversationsBar", { label: date, value })}
              locale={locale}
              barClass="bar-sessions"
              points={result.data.rows.map((row) => ({ date: row.key ?? "", value: row.conversations }))}
            />
          ) : result.data.rows.length === 0 ? (
            <p className="muted">{t("empty")}</p>
          ) : (
            <BarListChart
              summary={t("chartSummary", {
                total: result.data.totals.conversations,
                groups: result.data.rows.length,
              })}
              locale={locale}
              barClass="bar-sessions"
              items={result.data.rows.map((row) => ({
                label: label(row.key),
                value: row.conversations,
                title: t("conversationsBar", { label: label(row.key), value: row.conversations }),
              }))}
            />
          )}
          <div className="table-scroll">
            <table aria-label={t("tableLabel")} data-testid="report-table">
              <thead>
                <tr>
                  <th>{group === "day" ? t("columns.day") : t("columns.agent")}</th>
                  {columns.map((column) => (
                    <th className="num" key={column}>
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.data.rows.map((row) => (
                  <tr key={row.key ?? ""}>
                    <td>{label(row.key)}</td>
                    {cells(row).map((cell, index) => (
                      <td className="num" key={columns[index]}>
                        {cell}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t("total")}</th>
                  {cells(result.data.totals).map((cell, index) => (
                    <td className="num" key={columns[index]}>
                      {cell}
                    </td>
                  ))}
                </tr>
              </tfoot>
            </table>
          </div>
          <p className="muted">{t("definitions")}</p>
        </>
      )}
    </>
  );
}
