/** The inbox's filter, kept in the address (?filter=mine|unassigned; none: all). */
export type InboxFilter = "all" | "mine" | "unassigned";
export const INBOX_FILTERS: readonly InboxFilter[] = ["all", "mine", "unassigned"];

/** The filter a ?filter= value names (anything else: all). */
export function parseInboxFilter(value: string | string[] | null | undefined): InboxFilter {
  return INBOX_FILTERS.find((filter) => filter === value) ?? "all";
}
