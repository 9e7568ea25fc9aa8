import { publicWidgetSettingsSchema } from "../../admin/settings/widget-settings.schema";
import { getStoredWidgetSettings, publicWidgetSettings } from "../../admin/settings/widget-settings.service";
import { sessionLocaleSchema } from "../../chat/sessions/session.schema";
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
          "label and position, suggested prompts, assistant name and avatar, office hours, whether the AI " +
          "disclosure line shows. With `?locale=` (en, de, fr, es, ar) title, subtitle, greeting and suggested " +
          "prompts are those set for that language, else the defaults. embed.js reads it to draw the launcher; " +
          "browsers on the websites allowed to embed the widget may read it (CORS).",
      },
      rest: { successMessage: "Widget settings." },
      rateLimit: "readWidgetConfig",
    })
    .input(
      z
        .strictObject({
          locale: sessionLocaleSchema
            .optional()
            .meta({ description: "The visitor's language: its texts where set, else the defaults." }),
        })
        .optional(),
    )
    .output(publicWidgetSettingsSchema)
    .query(async ({ ctx, input }) =>
      publicWidgetSettings(await getStoredWidgetSettings(ctx.deps), input?.locale),
    ),
});
