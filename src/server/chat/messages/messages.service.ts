/**
 * The messages' verbs, one per file (this index only re-exports them): listing, chatting (open, then wait or
 * stream), an agent's message, retry, stop, following a session. How a message is stored — its row, bumps and
 * events — is message-writer.ts's alone.
 */
export { toMessageDto } from "./message-dto";
export { listMessages } from "./list-messages";
export { openChat, startChat, type StartedChat, type StartedReply } from "./open-chat";
export { chat, chatStreamEvents, retry } from "./complete-reply";
export { sendAgentMessage } from "./agent-message";
export { startRetry } from "./retry-reply";
export { stopReply } from "./stop-reply";
export { followSessionEvents, sessionSnapshot } from "./follow-messages";
