import type { useTranslations } from "next-intl";

/** The widget's translator (`useTranslations("Widget")`), for helpers that produce text outside components. */
export type WidgetTranslator = ReturnType<typeof useTranslations<"Widget">>;
