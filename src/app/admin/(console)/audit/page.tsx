import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { adminList, type SearchParams } from "~/app/admin/_lib/admin-list";
import { AUDIT_ACTION_NAMES, type AuditAction } from "~/server/admin/audit/audit.schema";
import { DateRangeFields, FilterForm } from "../../_components/filter-form";
import { formatTime } from "../../_components/format";
import { ListResult } from "../../_components/list-result";
import { Options } from "../../_components/options";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminAudit");
  return { title: t("title") };
}

/** The kinds of object entries name (the service's `object.type`s), shown by their name in the page's language. */
const OBJECT_TYPES = {
  admin_user: true,
  api_key: true,
  session: true,
  visitor: true,
  widget_settings: true,
  webhook_endpoint: true,
  webhook_delivery: true,
  knowledge_article: true,
} as const;
type ObjectType = keyof typeof OBJECT_TYPES;

const readAudit = adminList("/admin/audit", ["action", "actor", "from", "to"], (caller, query) =>
  // Any other action is refused by the procedure's schema and shown as a message on the page.
  caller.admin.audit.list({ ...query, action: query.action as AuditAction | undefined }),
);

/** What admins and API keys did, newest first; read-only (nothing in the app changes an entry). */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const { filters, list } = await readAudit(searchParams);
  const t = await getTranslations("AdminAudit");
  const locale = await getLocale();
  /** An action's name in the page's language; an action this version does not know keeps its code. */
  const actionLabel = (action: string) =>
    (AUDIT_ACTION_NAMES as readonly string[]).includes(action)
      ? t(`actions.${action as AuditAction}`)
      : action;
  const objectLabel = (type: string) =>
    Object.hasOwn(OBJECT_TYPES, type) ? t(`objectTypes.${type as ObjectType}`) : type;
  return (
    <>
      <h1>{t("heading")}</h1>
      <FilterForm path="/admin/audit" filters={filters}>
        <label>
          {t("action")}
          <select name="action" defaultValue={filters.action ?? ""}>
            <option value="">{t("any")}</option>
            <Options values={AUDIT_ACTION_NAMES} label={(action) => actionLabel(action)} />
          </select>
        </label>
        <label>
          {t("actor")}
          <input name="actor" defaultValue={filters.actor} placeholder={t("actorPlaceholder")} size={24} />
        </label>
        <DateRangeFields filters={filters} labels={{ from: t("from"), to: t("to") }} />
      </FilterForm>
      <ListResult
        {...list}
        headings={[
          t("columns.when"),
          t("columns.actor"),
          t("columns.action"),
          t("columns.object"),
          t("columns.detail"),
          t("columns.address"),
        ]}
        empty={t("empty")}
        row={(entry) => (
          <tr key={entry.id}>
            <td>{formatTime(entry.created_at, "minute", locale)}</td>
            <td>
              {entry.actor_name}
              <br />
              <span className="muted">{t(`actorKinds.${entry.actor_kind}`)}</span>
            </td>
            <td>
              {actionLabel(entry.action)}
              <br />
              <span className="mono muted">{entry.action}</span>
            </td>
            <td>
              {entry.object_type === "visitor" && entry.action !== "visitor.deleted" && entry.object_id ? (
                <Link className="mono" href={`/admin/visitors/${entry.object_id}`}>
                  {objectLabel("visitor")} {entry.object_id.slice(0, 8)}
                </Link>
              ) : entry.object_type ? (
                <span>
                  {objectLabel(entry.object_type)}{" "}
                  <span className="mono">{entry.object_id?.slice(0, 8)}</span>
                </span>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td>
              {Object.keys(entry.detail).length > 0 && (
                <span className="mono">{JSON.stringify(entry.detail)}</span>
              )}
            </td>
            <td>{entry.client_address && <span className="mono">{entry.client_address}</span>}</td>
          </tr>
        )}
      />
    </>
  );
}
