/** The API public/embed.js puts on window (see docs/widget.md). */
interface VisitorChatApi {
  version: number;
  open(): void;
  close(): void;
  toggle(): void;
  identify(metadata: Record<string, unknown>): void;
}

export function visitorChat(): VisitorChatApi | undefined {
  return (window as Window & { VisitorChat?: VisitorChatApi }).VisitorChat;
}
