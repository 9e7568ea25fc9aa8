/** The length limit of a chat message: defined once in src/shared/limits.ts (LIMITS.messageMaxChars is it). */
export { MESSAGE_MAX_CHARS } from "~/shared/limits";
