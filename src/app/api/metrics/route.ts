import { handleMetricsRequest } from "~/server/rest/metrics";

export const dynamic = "force-dynamic";

export { handleMetricsRequest as GET };
