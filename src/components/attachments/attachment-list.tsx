"use client";

import { useLocale } from "next-intl";
import { formatFileSize, isImage, type AttachmentDto } from "./upload";

interface Props {
  attachments: readonly AttachmentDto[];
  /** Where the file is downloaded from; `inline` for an image's thumbnail. */
  hrefOf: (attachment: AttachmentDto, inline: boolean) => string;
  /** The list's accessible name ("Files"). */
  label: string;
  /** "Download {name}" for a thumbnail's link. */
  downloadLabel: (name: string) => string;
  className: string;
}

/**
 * A message's files: images as a small thumbnail (the `inline` URL), others as a download link with name and
 * size. Both link to the download (Content-Disposition: attachment).
 */
export function AttachmentList({ attachments, hrefOf, label, downloadLabel, className }: Props) {
  const locale = useLocale();
  if (attachments.length === 0) return null;
  return (
    <ul className={className} aria-label={label} data-testid="attachments">
      {attachments.map((attachment) => (
        <li key={attachment.id} data-kind={isImage(attachment) ? "image" : "file"}>
          <a
            href={hrefOf(attachment, false)}
            download={attachment.name}
            title={downloadLabel(attachment.name)}
            data-testid="attachment-link"
          >
            {isImage(attachment) ? (
              // eslint-disable-next-line @next/next/no-img-element -- a private, same-origin download, not an optimisable asset
              <img
                src={hrefOf(attachment, true)}
                alt={attachment.name}
                loading="lazy"
                data-testid="attachment-thumb"
              />
            ) : (
              <>
                <bdi className="attachment-name">{attachment.name}</bdi>{" "}
                <span className="attachment-size">{formatFileSize(attachment.size, locale)}</span>
              </>
            )}
          </a>
        </li>
      ))}
    </ul>
  );
}
