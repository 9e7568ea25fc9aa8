import { env } from "~/env";
import type { EventBus } from "../chat/events/bus";
import { MemoryEventBus } from "../chat/events/memory-bus";
import { RedisEventBus } from "../chat/events/redis-bus";

/**
 * The conversation event bus of this process, chosen once: Redis when REDIS_URL is set (several instances share
 * sequences, kept events and live delivery), else in process (one instance). On globalThis because Next.js
 * bundles each route separately and they must share one bus (the SSE route follows what the chat route
 * publishes).
 */
const globalBus = globalThis as typeof globalThis & { __visitorChatEventBus?: EventBus };

export function getEventBus(): EventBus {
  globalBus.__visitorChatEventBus ??= env.REDIS_URL
    ? new RedisEventBus({ url: env.REDIS_URL })
    : new MemoryEventBus();
  return globalBus.__visitorChatEventBus;
}

export { openEventStreams } from "../chat/events/follow-session";
