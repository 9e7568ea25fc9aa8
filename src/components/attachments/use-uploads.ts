"use client";

import { useCallback, useState } from "react";
import { uploadFile, type AttachmentDto, type UploadFailure } from "./upload";

/** Why an upload failed, in the page's words: its catalogue's tooLarge, unsupported, rateLimited and failed texts. */
export type UploadFailureText = (failure: UploadFailure, values: { name: string }) => string;

/**
 * Uploads files one after the other to an attachments route (visitor or admin): `uploading` while any is on its
 * way; each stored one goes to `onUploaded`, a refused one sets `error` (`failureText` must be stable, e.g. the
 * page's translator).
 */
export function useUploads(failureText: UploadFailureText) {
  const [uploading, setUploading] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const upload = useCallback(
    async (url: string, files: readonly File[], onUploaded: (attachment: AttachmentDto) => void) => {
      for (const file of files) {
        setUploading((n) => n + 1);
        const result = await uploadFile(url, file);
        setUploading((n) => n - 1);
        if (result.ok) onUploaded(result.attachment);
        else setError(failureText(result.failure, { name: file.name }));
      }
    },
    [failureText],
  );
  return { uploading: uploading > 0, error, setError, upload };
}
