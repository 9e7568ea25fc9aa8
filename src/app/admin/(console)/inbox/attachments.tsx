"use client";

import { useTranslations } from "next-intl";
import { useCallback, useRef, useState, type ClipboardEvent, type DragEvent } from "react";
import { AttachmentList } from "~/components/attachments/attachment-list";
import { FilePicker } from "~/components/attachments/file-picker";
import { takeFiles, type AttachmentDto } from "~/components/attachments/upload";
import { useUploads } from "~/components/attachments/use-uploads";

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

/** The agent's files for the next reply: the paperclip, a drop on the composer, a pasted screenshot. */
export function useAgentAttachments(sessionId: string) {
  const t = useTranslations("AdminInbox.attachments");
  const [pending, setPending] = useState<AttachmentDto[]>([]);
  const [dragging, setDragging] = useState(false);
  const { uploading, error, setError, upload } = useUploads(t);

  const attach = useCallback(
    async (files: readonly File[]) => {
      setError(null);
      await upload(`/api/admin/sessions/${sessionId}/attachments/`, files, (attachment) =>
        setPending((list) => [...list, attachment]),
      );
    },
    [sessionId, setError, upload],
  );

  return {
    pending,
    uploading,
    dragging,
    error,
    attach,
    remove: (id: string) => setPending((list) => list.filter((attachment) => attachment.id !== id)),
    clear: () => {
      setPending([]);
      setError(null);
    },
    onPaste: (event: ClipboardEvent<HTMLTextAreaElement>) =>
      takeFiles(event, event.clipboardData, (files) => void attach(files)),
    dropHandlers: {
      onDragOver: (event: DragEvent<HTMLElement>) => {
        if (!event.dataTransfer.types.includes("Files")) return;
        event.preventDefault();
        setDragging(true);
      },
      onDragLeave: () => setDragging(false),
      onDrop: (event: DragEvent<HTMLElement>) => {
        setDragging(false);
        takeFiles(event, event.dataTransfer, (files) => void attach(files));
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
      <FilePicker ref={picker} testId="agent-attach-input" onFiles={(chosen) => void files.attach(chosen)} />
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
