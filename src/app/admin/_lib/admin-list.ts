import "server-only";
import { queryString } from "../_components/format";
import type { AccessLevel } from "~/server/admin/auth/roles";
import { adminPage, orInvalidFilter, param } from "./admin-page";

/** A page's `searchParams` prop. */
export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

type Caller = Awaited<ReturnType<typeof adminPage>>["caller"];
type Filters<K extends string> = Record<K, string | undefined>;

/** The rows of one page of an admin list. */
const PAGE_SIZE = 50;

/**
 * A paged admin list (audit, sessions, visitors): returns what its page starts with. That reads the filters named
 * by `keys` and the cursor from the URL, requires sign-in (coming back to the list with its filters), then reads
 * one page with `read`; filters the procedure refuses become a message on the page (orInvalidFilter). It gives the
 * filters (for FilterForm) and `list`, the page and what the pager needs (spread into ListResult).
 */
export function adminList<K extends string, T>(
  path: string,
  keys: readonly K[],
  read: (caller: Caller, query: Filters<K> & { cursor?: string; limit: number }) => Promise<T>,
  /** Who may open the list (adminPage's `access`). */
  access: AccessLevel = "admin",
) {
  return async (searchParams: SearchParams) => {
    const params = await searchParams;
    const filters = Object.fromEntries(keys.map((key) => [key, param(params[key])])) as Filters<K>;
    const cursor = param(params.cursor);
    const { admin, caller } = await adminPage(`${path}${queryString(filters)}`, access);
    const result = await orInvalidFilter(read(caller, { ...filters, cursor, limit: PAGE_SIZE }));
    return { admin, filters, list: { result, path, query: filters, cursor } };
  };
}
