import { z } from "zod";

export const DASHBOARD_DAYS = 30;

export const dashboardSchema = z
  .object({
    totals: z.object({
      visitors: z.number().int(),
      sessions: z.number().int(),
      messages: z.number().int(),
      failed_replies: z.number().int(),
    }),
    days: z
      .array(z.object({ date: z.iso.date(), sessions: z.number().int(), messages: z.number().int() }))
      .meta({
        description: `The last ${DASHBOARD_DAYS} days (UTC), oldest first, today last; days with none are 0.`,
      }),
  })
  .meta({ id: "Dashboard" });
export type DashboardDto = z.infer<typeof dashboardSchema>;
