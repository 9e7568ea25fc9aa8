import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { commitChange, commitInTransaction } from "../../chat/events/commit-change";
import { isUuid } from "../../chat/ids";
import { AppError } from "../../errors/app-error";
import type {
  CannedResponseDto,
  CreateCannedResponseInput,
  UpdateCannedResponseInput,
} from "./canned-responses.schema";

interface Row {
  id: string;
  shortcut: string;
  content: string;
  created_at: Date;
  updated_at: Date;
}

function toDto(row: Row): CannedResponseDto {
  return {
    id: row.id,
    shortcut: row.shortcut,
    content: row.content,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === "P2002";
}

/** The team's saved replies, by shortcut. */
export async function listCannedResponses(deps: ChatDeps): Promise<{ items: CannedResponseDto[] }> {
  const rows = await deps.db.cannedResponse.findMany({ orderBy: [{ shortcut: "asc" }] });
  return { items: rows.map(toDto) };
}

/** A new saved reply, audited; a shortcut in use → 409. */
export async function createCannedResponse(
  deps: ChatDeps,
  input: CreateCannedResponseInput,
  by: AuditBy,
): Promise<CannedResponseDto> {
  try {
    const [row] = await commitChange(deps, {
      writes: [deps.db.cannedResponse.create({ data: input })],
      audit: { ...by, action: "canned_response.created", detail: { shortcut: input.shortcut } },
    });
    return toDto(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CANNED_SHORTCUT_TAKEN");
    throw error;
  }
}

/** Changes a saved reply's shortcut and/or text, audited. */
export async function updateCannedResponse(
  deps: ChatDeps,
  input: UpdateCannedResponseInput,
  by: AuditBy,
): Promise<CannedResponseDto> {
  if (!isUuid(input.id)) throw new AppError("CANNED_RESPONSE_NOT_FOUND");
  try {
    const row = await commitInTransaction(deps, async (tx) => {
      const existing = await tx.cannedResponse.findUnique({ where: { id: input.id } });
      if (!existing) throw new AppError("CANNED_RESPONSE_NOT_FOUND");
      const updated = await tx.cannedResponse.update({
        where: { id: input.id },
        data: {
          ...(input.shortcut !== undefined && { shortcut: input.shortcut }),
          ...(input.content !== undefined && { content: input.content }),
        },
      });
      return {
        result: updated,
        audit: {
          ...by,
          action: "canned_response.updated",
          object: { type: "canned_response", id: updated.id },
          detail: { shortcut: updated.shortcut },
        },
      };
    });
    return toDto(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CANNED_SHORTCUT_TAKEN");
    throw error;
  }
}

/** Deletes a saved reply, audited. */
export async function deleteCannedResponse(
  deps: ChatDeps,
  id: string,
  by: AuditBy,
): Promise<CannedResponseDto> {
  if (!isUuid(id)) throw new AppError("CANNED_RESPONSE_NOT_FOUND");
  const row = await commitInTransaction(deps, async (tx) => {
    const existing = await tx.cannedResponse.findUnique({ where: { id } });
    if (!existing) throw new AppError("CANNED_RESPONSE_NOT_FOUND");
    await tx.cannedResponse.delete({ where: { id } });
    return {
      result: existing,
      audit: {
        ...by,
        action: "canned_response.deleted",
        object: { type: "canned_response", id },
        detail: { shortcut: existing.shortcut },
      },
    };
  });
  return toDto(row);
}
