"use client";

import { forwardRef } from "react";
import { ATTACHMENT_ACCEPT } from "./upload";

/** The hidden file input behind a paperclip button (`ref.current.click()`): the chosen files go to `onFiles`. */
export const FilePicker = forwardRef<HTMLInputElement, { testId: string; onFiles: (files: File[]) => void }>(
  function FilePicker({ testId, onFiles }, ref) {
    return (
      <input
        ref={ref}
        type="file"
        multiple
        hidden
        accept={ATTACHMENT_ACCEPT}
        data-testid={testId}
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          // Emptied at once: choosing the same file again is a change too.
          event.target.value = "";
          onFiles(files);
        }}
      />
    );
  },
);
