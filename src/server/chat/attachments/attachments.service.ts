/** The attachments' verbs, one per file (this index only re-exports them). */
export { uploadAttachment, type Uploader } from "./upload-attachment";
export { readAttachment } from "./read-attachment";
export { attachableAttachments, attachmentsOfMessages } from "./message-attachments";
export { toAttachmentDto, attachmentPath } from "./attachment-dto";
