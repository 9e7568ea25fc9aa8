"use client";

import { useTranslations } from "next-intl";
import { useCallback, useRef, useState, type ClipboardEvent, type DragEvent } from "react";
import { AttachmentList } from "~/components/attachments/attachment-list";
import {
  ATTACHMENT_ACCEPT,
  filesOf,
  uploadFile,
  type AttachmentDto,
  type UploadFailure,
} from "~/components/attachments/upload";

/** The agents' download path of a conversation's file. */
function adminHref(sessionId: string, attachment: AttachmentDto, inline: boolean): string {
  return `/api/admin/sessions/${sessionId}/attachments/${attachment.id}/${inline ? "?inline=1" : ""}`;
}

/** A message's files in the transcript, downloaded through the admin API. */
export function MessageFiles({
  sessionId,
  attachments,
}: {
  sessionId: string;
  attachments: readonly AttachmentDto[] | undefined;
}) {
  const t = useTranslations("AdminInbox.attachments");
  return (
    <AttachmentList
      attachments={attachments ?? []}
      className="inbox-attachments"
      label={t("files")}
      downloadLabel={(name) => t("download", { name })}
      hrefOf={(attachment, inline) => adminHref(sessionId, attachment, inline)}
    />
  );
}

const FAILURE_KEY = {
  tooLarge: "tooLarge",
  unsupported: "unsupported",
  rateLimited: "rateLimited",
  failed: "failed",
} as const satisfies Record<UploadFailure, string>;

/** The agent's files for the next reply: the paperclip, a drop on the composer, a pasted screenshot. */
export function useAgentAttachments(sessionId: string) {
  const t = useTranslations("AdminInbox.attachments");
  const [pending, setPending] = useState<AttachmentDto[]>([]);
  const [uploading, setUploading] = useState(0);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const attach = useCallback(
    async (files: readonly File[]) => {
      setError(null);
      for (const file of files) {
        setUploading((n) => n + 1);
        const result = await uploadFile(`/api/admin/sessions/${sessionId}/attachments/`, file);
        setUploading((n) => n - 1);
        if (result.ok) setPending((list) => [...list, result.attachment]);
        else setError(t(FAILURE_KEY[result.failure], { name: file.name }));
      }
    },
    [sessionId, t],
  );

  return {
    pending,
    uploading: uploading > 0,
    dragging,
    error,
    attach,
    remove: (id: string) => setPending((list) => list.filter((attachment) => attachment.id !== id)),
    clear: () => {
      setPending([]);
      setError(null);
    },
    onPaste: (event: ClipboardEvent<HTMLTextAreaElement>) => {
      const files = filesOf(event.clipboardData);
      if (files.length === 0) return;
      event.preventDefault();
      void attach(files);
    },
    dropHandlers: {
      onDragOver: (event: DragEvent<HTMLElement>) => {
        if (!event.dataTransfer.types.includes("Files")) return;
        event.preventDefault();
        setDragging(true);
      },
      onDragLeave: () => setDragging(false),
      onDrop: (event: DragEvent<HTMLElement>) => {
        setDragging(false);
        const files = filesOf(event.dataTransfer);
        if (files.length === 0) return;
        event.preventDefault();
        void attach(files);
      },
    },
  };
}

/** The paperclip, the chosen files (removable) and what went wrong, in the agent's composer. */
export function AgentAttachButton({ files }: { files: ReturnType<typeof useAgentAttachments> }) {
  const t = useTranslations("AdminInbox.attachments");
  const picker = useRef<HTMLInputElement>(null);
  return (
    <div className="inbox-attach">
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        accept={ATTACHMENT_ACCEPT}
        data-testid="agent-attach-input"
        onChange={(event) => {
          const chosen = Array.from(event.target.files ?? []);
          event.target.value = "";
          void files.attach(chosen);
        }}
      />
      <button type="button" onClick={() => picker.current?.click()} title={t("dropHint")}>
        {t("attach")}
      </button>
      {files.pending.length > 0 && (
        <ul className="inbox-chips" aria-label={t("pending")} data-testid="agent-pending-attachments">
          {files.pending.map((attachment) => (
            <li key={attachment.id}>
              <bdi>{attachment.name}</bdi>{" "}
              <button
                type="button"
                onClick={() => files.remove(attachment.id)}
                aria-label={t("remove", { name: attachment.name })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {files.uploading && (
        <span className="muted" role="status">
          {t("uploading")}
        </span>
      )}
      {files.error && (
        <p className="error" role="alert">
          {files.error}
        </p>
      )}
    </div>
  );
}
