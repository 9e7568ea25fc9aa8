"use client";

import { useTranslations } from "next-intl";
import { createContext, useCallback, useContext, useState } from "react";
import { AttachmentList } from "~/components/attachments/attachment-list";
import type { AttachmentDto } from "~/components/attachments/upload";
import { useUploads } from "~/components/attachments/use-uploads";
import { CloseIcon } from "./icons";

/** The visitor's id, which every download URL needs (`?visitor_id=…`). */
export const AttachmentVisitorContext = createContext<string>("");

/** A message's files, downloaded as the conversation's visitor. */
export function MessageAttachments({ attachments }: { attachments: readonly AttachmentDto[] }) {
  const t = useTranslations("Widget.attachments");
  const visitorId = useContext(AttachmentVisitorContext);
  return (
    <AttachmentList
      attachments={attachments}
      className="vc-attachments"
      label={t("files")}
      downloadLabel={(name) => t("download", { name })}
      hrefOf={(attachment, inline) =>
        `${attachment.url}?visitor_id=${encodeURIComponent(visitorId)}${inline ? "&inline=1" : ""}`
      }
    />
  );
}

/** Files chosen for the next message: removable chips above the composer. */
export function PendingAttachments({
  attachments,
  uploading,
  error,
  onRemove,
}: {
  attachments: readonly AttachmentDto[];
  uploading: boolean;
  error: string | null;
  onRemove: (id: string) => void;
}) {
  const t = useTranslations("Widget.attachments");
  if (attachments.length === 0 && !uploading && !error) return null;
  return (
    <div className="vc-pending">
      {attachments.length > 0 && (
        <ul className="vc-chips" aria-label={t("pending")} data-testid="pending-attachments">
          {attachments.map((attachment) => (
            <li key={attachment.id} className="vc-chip">
              <bdi>{attachment.name}</bdi>
              <button
                type="button"
                className="vc-icon-button"
                onClick={() => onRemove(attachment.id)}
                aria-label={t("remove", { name: attachment.name })}
              >
                <CloseIcon />
              </button>
            </li>
          ))}
        </ul>
      )}
      {uploading && (
        <p className="vc-uploading" role="status">
          {t("uploading")}
        </p>
      )}
      {error && (
        <p className="vc-attach-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The files the visitor attaches to the next message, per conversation: uploaded at once (into the open
 * conversation, created first if there is none yet), sent with the next message's attachment_ids.
 */
export function usePendingAttachments(visitorId: string, ensureSession: () => Promise<string>) {
  const t = useTranslations("Widget.attachments");
  const [pending, setPending] = useState<{ sessionId: string; attachment: AttachmentDto }[]>([]);
  const { uploading, error, setError, upload } = useUploads(t);

  const attach = useCallback(
    async (files: readonly File[]) => {
      if (files.length === 0) return;
      setError(null);
      let sessionId: string;
      try {
        sessionId = await ensureSession();
      } catch {
        setError(t("failed"));
        return;
      }
      await upload(
        `/api/chats/sessions/${sessionId}/attachments/?visitor_id=${encodeURIComponent(visitorId)}`,
        files,
        (attachment) => setPending((list) => [...list, { sessionId, attachment }]),
      );
    },
    [ensureSession, setError, t, upload, visitorId],
  );

  const of = useCallback(
    (sessionId: string | null) =>
      pending.filter((entry) => entry.sessionId === sessionId).map((entry) => entry.attachment),
    [pending],
  );
  const remove = useCallback((id: string) => {
    setPending((list) => list.filter((entry) => entry.attachment.id !== id));
  }, []);
  /** Sent: these leave the composer. */
  const take = useCallback(
    (sessionId: string | null) => {
      const taken = of(sessionId);
      setPending((list) => list.filter((entry) => entry.sessionId !== sessionId));
      setError(null);
      return taken;
    },
    [of, setError],
  );

  return { of, attach, remove, take, uploading, error };
}
