import type { EventBus } from "../chat/events/bus";
import { MemoryEventBus } from "../chat/events/memory-bus";

/**
 * The conversation event bus of this process, chosen once: in process (one instance). On globalThis because
 * Next.js bundles each route separately and they must share one bus (the SSE route follows what the chat route
 * publishes).
 */
const globalBus = globalThis as typeof globalThis & { __visitorChatEventBus?: EventBus };

export function getEventBus(): EventBus {
  globalBus.__visitorChatEventBus ??= new MemoryEventBus();
  return globalBus.__visitorChatEventBus;
}
