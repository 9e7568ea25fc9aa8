import { publicWidgetSettingsSchema } from "../../admin/settings/widget-settings.schema";
import { getStoredWidgetSettings, publicWidgetSettings } from "../../admin/settings/widget-settings.service";
import { createTRPCRouter, publicProcedure } from "../trpc";
import { z } from "zod";

export const widgetRouter = createTRPCRouter({
  config: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/chats/widget",
        tags: ["Widget"],
        protect: false,
        summary: "The widget's public settings",
        description:
          "What the admin set at /admin/settings for every visitor: title, subtitle, greeting, accent, launcher " +
          "label and position, suggested prompts, assistant name and avatar, office hours. embed.js reads it to " +
          "draw the launcher; browsers on the websites allowed to embed the widget may read it (CORS).",
      },
      rest: { successMessage: "Widget settings." },
      rateLimit: "readWidgetConfig",
    })
    .input(z.strictObject({}).optional())
    .output(publicWidgetSettingsSchema)
    .query(async ({ ctx }) => publicWidgetSettings(await getStoredWidgetSettings(ctx.deps))),
});
