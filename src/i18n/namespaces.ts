import type { AbstractIntlMessages } from "next-intl";

/**
 * Catalogue namespaces (top-level keys of messages/<locale>.json) by part: `Widget` for the visitor's widget,
 * `Admin…` (AdminNav, AdminInbox, …) for the admin pages. Each part's client components get only their own part.
 */
export const WIDGET_NAMESPACE = "Widget";
const ADMIN_PREFIX = "Admin";

/** The namespaces of the admin pages: what their client components may read. */
export function adminMessages(messages: AbstractIntlMessages): AbstractIntlMessages {
  return Object.fromEntries(Object.entries(messages).filter(([key]) => key.startsWith(ADMIN_PREFIX)));
}

/** The widget's namespace only: the widget's page sends nothing else to the browser. */
export function widgetMessages(messages: AbstractIntlMessages): AbstractIntlMessages {
  const widget = messages[WIDGET_NAMESPACE];
  return widget === undefined ? {} : { [WIDGET_NAMESPACE]: widget };
}
