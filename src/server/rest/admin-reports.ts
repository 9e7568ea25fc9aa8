import type { ReportInput } from "../admin/reports/reports.schema";
import { getReport, reportCsv } from "../admin/reports/reports.service";
import type { RouteCall } from "./route";

/** GET /api/admin/reports/csv/?from=&to=&group=&tz= — the report (GET /api/admin/reports/) as a CSV download. */
export async function reportCsvDownload({ deps, input }: RouteCall<ReportInput>): Promise<Response> {
  const { filename, text } = reportCsv(await getReport(deps, input));
  return new Response(text, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}
