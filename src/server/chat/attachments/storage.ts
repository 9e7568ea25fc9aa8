import type { Db } from "../../db/client";

/** A new attachment's row (its bytes go to the store with it). */
export interface NewAttachment {
  id: string;
  session_id: string;
  visitor_id: string;
  uploader: "visitor" | "agent";
  name: string;
  content_type: string;
  size: number;
  created_at: Date;
}

/**
 * Where attachments' bytes live: one small interface, so another store (an S3-compatible one) can be added
 * beside the database's. Only the database store exists (every instance serves every file, and
 * db:backup/db:copy carry them); the erasure and the retention job delete the rows, and with them the bytes.
 */
export interface AttachmentStorage {
  /** Stores a new attachment: its row and its bytes. */
  put(attachment: NewAttachment, bytes: Uint8Array): Promise<void>;
  /** The bytes of a stored attachment, or null when there is none. */
  get(id: string): Promise<Uint8Array | null>;
  /** Deletes attachments (their rows and bytes); ids that are gone are ignored. */
  delete(ids: readonly string[]): Promise<void>;
}

/** The database store: the bytes in the attachments row (a Bytes column: bytea / BLOB). */
export function databaseAttachmentStorage(db: Db): AttachmentStorage {
  return {
    async put(attachment, bytes) {
      await db.attachment.create({ data: { ...attachment, bytes: new Uint8Array(bytes) } });
    },
    async get(id) {
      const row = await db.attachment.findUnique({ where: { id }, select: { bytes: true } });
      return row ? new Uint8Array(row.bytes) : null;
    },
    async delete(ids) {
      if (ids.length > 0) await db.attachment.deleteMany({ where: { id: { in: [...ids] } } });
    },
  };
}
