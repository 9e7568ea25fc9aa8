import type { AttachmentMeta } from "../attachments/attachment-dto";

/**
 * The assistant's view of a message's files: at most a mention of each by name ("[attachment: name]"), never
 * their bytes.
 */
export function withAttachmentMentions(
  content: string,
  attachments: readonly Pick<AttachmentMeta, "name">[],
): string {
  if (attachments.length === 0) return content;
  return [content, ...attachments.map((file) => `[attachment: ${file.name}]`)].join("\n");
}
