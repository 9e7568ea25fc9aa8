/**
 * The docs' tables say what the code says: the event tables of docs/webhooks.md and docs/rest-api.md (both
 * streams) against the event catalogue (types, destinations, `when`, the payload's fields), the audit actions of
 * docs/admin.md against AUDIT_ACTIONS.
 * Each check returns its disagreements, so a failure names the row to fix.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { AUDIT_ACTIONS } from "~/server/chat/audit/audit-record";
import { EVENT_CATALOGUE, EVENT_TYPES, type EventType } from "~/server/chat/events/catalogue";
import {
  codeName,
  listedFields,
  markdownTable,
  readDoc as read,
  sameSet,
  withoutRow,
  withRow,
} from "./helpers/markdown-table";

/** Text as a reader compares it: without code marks, one space between words. */
const plain = (text: string) => text.replaceAll("`", "").replace(/\s+/g, " ").trim();

const dataFields = (type: EventType) => Object.keys((EVENT_CATALOGUE[type].data as z.ZodObject).shape);

/** What a table of event rows gets wrong: a type missing or extra, repeated, its `when` or its fields. */
function eventRowProblems(
  where: string,
  rows: { type: string; when: string; data: string }[],
  expected: readonly EventType[],
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.type)) problems.push(`${where}: ${row.type} is listed twice`);
    seen.add(row.type);
    if (!(expected as readonly string[]).includes(row.type)) {
      problems.push(`${where}: ${row.type} is not one of the catalogue's types for it`);
      continue;
    }
    const type = row.type as EventType;
    if (plain(row.when) !== plain(EVENT_CATALOGUE[type].when))
      problems.push(`${where}: ${type}'s "when" is not the catalogue's: "${EVENT_CATALOGUE[type].when}"`);
    const fields = listedFields(row.data);
    if (!fields || !sameSet(fields, dataFields(type)))
      problems.push(
        `${where}: ${type}'s data lists {${fields?.join(", ") ?? ""}}, the catalogue's schema has ` +
          `{${dataFields(type).join(", ")}}`,
      );
  }
  for (const type of expected) if (!seen.has(type)) problems.push(`${where}: ${type} is missing`);
  return problems;
}

const WEBHOOK_HEADER = ["type", "when", "`data`"];
const STREAM_HEADER = ["`event:`", "session stream", "admin stream", "when", "`data:`"];

/** docs/webhooks.md's event table: exactly the catalogue's webhook types. */
function webhookTableProblems(markdown: string): string[] {
  const rows = markdownTable(markdown, WEBHOOK_HEADER).map(([type = "", when = "", data = ""]) => ({
    type: codeName(type) ?? type,
    when,
    data,
  }));
  const expected = EVENT_TYPES.filter((type) => EVENT_CATALOGUE[type].to.webhook);
  return eventRowProblems("docs/webhooks.md", rows, expected);
}

/** docs/rest-api.md's stream table: the types of the session stream and the admin stream, each column right. */
function streamTableProblems(markdown: string): string[] {
  const problems: string[] = [];
  const rows = markdownTable(markdown, STREAM_HEADER).map(
    ([type = "", followers = "", admin = "", when = "", data = ""]) => {
      const name = codeName(type) ?? type;
      const to = (EVENT_CATALOGUE as Record<string, { to: { followers: boolean; admin: boolean } }>)[name]
        ?.to;
      for (const [column, cell, expected] of [
        ["session stream", followers, to?.followers],
        ["admin stream", admin, to?.admin],
      ] as const) {
        if (cell !== "yes" && cell !== "no")
          problems.push(`docs/rest-api.md: ${name}'s ${column} is not yes/no`);
        else if (to && (cell === "yes") !== expected)
          problems.push(`docs/rest-api.md: ${name}'s ${column} says ${cell}, the catalogue says ${expected}`);
      }
      return { type: name, when, data };
    },
  );
  const expected = EVENT_TYPES.filter(
    (type) => EVENT_CATALOGUE[type].to.followers || EVENT_CATALOGUE[type].to.admin,
  );
  return [...problems, ...eventRowProblems("docs/rest-api.md", rows, expected)];
}

/** docs/admin.md's audit table: exactly AUDIT_ACTIONS. */
function auditTableProblems(markdown: string): string[] {
  const listed = markdownTable(markdown, ["action", "recorded when"]).map(
    ([action = ""]) => codeName(action) ?? action,
  );
  const actions = Object.keys(AUDIT_ACTIONS);
  return [
    ...listed
      .filter((action) => !actions.includes(action))
      .map((action) => `docs/admin.md: ${action} is not an audit action`),
    ...actions
      .filter((action) => !listed.includes(action))
      .map((action) => `docs/admin.md: ${action} is missing`),
    ...listed
      .filter((action, index) => listed.indexOf(action) !== index)
      .map((action) => `docs/admin.md: ${action} is listed twice`),
  ];
}

describe("the docs' event tables follow the event catalogue", () => {
  it("docs/webhooks.md lists every webhook event, with the catalogue's when and payload fields", () => {
    expect(webhookTableProblems(read("docs/webhooks.md"))).toEqual([]);
  });

  it("docs/rest-api.md lists every event of the session and admin streams, with where each goes", () => {
    expect(streamTableProblems(read("docs/rest-api.md"))).toEqual([]);
  });

  it("docs/admin.md lists every audit action", () => {
    expect(auditTableProblems(read("docs/admin.md"))).toEqual([]);
  });

  it("each check fails when a row is removed or a field, a destination or a type is wrong", () => {
    const webhooks = read("docs/webhooks.md");
    expect(webhookTableProblems(withoutRow(webhooks, "feedback.created"))).toEqual([
      "docs/webhooks.md: feedback.created is missing",
    ]);
    const withoutField = withRow(webhooks, "feedback.created", ([type = "", when = "", data = ""]) => [
      type,
      when,
      data.replace("session_id, ", ""),
    ]);
    expect(webhookTableProblems(withoutField)).toEqual([
      "docs/webhooks.md: feedback.created's data lists {message_id, visitor_id, rating, comment, updated_at}, the " +
        "catalogue's schema has {message_id, session_id, visitor_id, rating, comment, updated_at}",
    ]);
    const renamed = withRow(webhooks, "visitor.created", ([, ...rest]) => ["`visitor.typed`", ...rest]);
    expect(webhookTableProblems(renamed)).toEqual([
      "docs/webhooks.md: visitor.typed is not one of the catalogue's types for it",
      "docs/webhooks.md: visitor.created is missing",
    ]);

    const rest = read("docs/rest-api.md");
    expect(streamTableProblems(withoutRow(rest, "typing"))).toEqual(["docs/rest-api.md: typing is missing"]);
    const notToAdmin = withRow(rest, "typing", ([type = "", followers = "", , ...others]) => [
      type,
      followers,
      "no",
      ...others,
    ]);
    expect(streamTableProblems(notToAdmin)).toEqual([
      "docs/rest-api.md: typing's admin stream says no, the catalogue says true",
    ]);
    const webhookOnly = withRow(rest, "typing", ([, ...others]) => ["`session.created`", ...others]);
    expect(streamTableProblems(webhookOnly)).toHaveLength(4);

    expect(auditTableProblems(withoutRow(read("docs/admin.md"), "settings.changed"))).toEqual([
      "docs/admin.md: settings.changed is missing",
    ]);
  });
});
