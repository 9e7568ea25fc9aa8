/** README.md's "tRPC procedures" table lists every public (non-admin) procedure of the app router, as it is. */
import type { AnyProcedure } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { appRouter } from "~/server/api/root";
import {
  codeName,
  listedFields,
  markdownTable,
  readDoc as read,
  sameSet,
  withoutRow,
} from "./helpers/markdown-table";

/** The public (non-admin) procedures of the app router, by dotted path, with their kind. */
function publicProcedures(): Map<string, { type: string; input: z.ZodType | undefined }> {
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
  return new Map(
    Object.entries(procedures)
      .filter(([path]) => !path.startsWith("admin."))
      .map(([path, procedure]) => {
        const input = procedure._def.inputs[0];
        return [path, { type: procedure._def.type, input: input instanceof z.ZodType ? input : undefined }];
      }),
  );
}

/** README.md's tRPC table: every public procedure once, its kind, and the input's fields when it lists them. */
function readmeProblems(markdown: string): string[] {
  const procedures = publicProcedures();
  const rows = markdownTable(markdown, ["procedure", "kind", "input", "notes"]);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [cell = "", kind = "", input = ""] of rows) {
    const path = codeName(cell) ?? cell;
    if (seen.has(path)) problems.push(`README.md: ${path} is listed twice`);
    seen.add(path);
    const procedure = procedures.get(path);
    if (!procedure) {
      problems.push(`README.md: ${path} is not a public procedure`);
      continue;
    }
    if (!kind.startsWith(procedure.type))
      problems.push(`README.md: ${path} is a ${procedure.type}, not a ${kind}`);
    const fields = listedFields(input);
    const shape = (procedure.input as z.ZodObject | undefined)?.shape;
    if (fields && shape) {
      const expected = Object.entries(shape).map(
        ([name, field]) => `${name}${(field as z.ZodType).safeParse(undefined).success ? "?" : ""}`,
      );
      if (!sameSet(fields, expected))
        problems.push(
          `README.md: ${path}'s input lists {${fields.join(", ")}}, it is {${expected.join(", ")}}`,
        );
    }
  }
  for (const path of procedures.keys()) if (!seen.has(path)) problems.push(`README.md: ${path} is missing`);
  return problems;
}

describe("README.md's tRPC table", () => {
  it("lists every public procedure of the app router, with its kind and input", () => {
    expect(publicProcedures().size).toBeGreaterThan(20);
    expect(readmeProblems(read("README.md"))).toEqual([]);
  });

  it("fails when a procedure is missing", () => {
    expect(readmeProblems(withoutRow(read("README.md"), "messages.stop"))).toEqual([
      "README.md: messages.stop is missing",
    ]);
  });
});
