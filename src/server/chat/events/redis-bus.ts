import type { Redis } from "ioredis";
import {
  ALL_SESSIONS,
  DEFAULT_RETENTION,
  type EventBus,
  type ReplayResult,
  type ReplayRetention,
} from "./bus";
import {
  EPHEMERAL_EVENT_TYPES,
  type EventData,
  type SessionEvent,
  type SessionEventType,
} from "./event-types";
import { logError, logger } from "../../observability/logger";
import { Subscribers } from "./subscribers";
import { traceClock, traceEvent } from "./trace";
import { ioredis } from "../../db/ioredis";

/**
 * Publish, atomically: the session's next sequence (nextSequence: max(head + 1, now in µs) — the caller's clock),
 * the event appended to the session's kept log (a Redis Stream whose entry ids are the sequences) unless it is
 * ephemeral, trimmed by count and age (the floor remembers the last dropped sequence), every key's TTL renewed
 * to the retention, then PUBLISH on the one channel every instance follows. Returns the sequence.
 *
 * A session forgotten (deleted, erased) within the retention is not kept or delivered again (the tombstone key): a
 * reply still running for it cannot write its events back after the erasure; the answer is then 0.
 *
 * KEYS: head, floor, log, tombstone. ARGV: now (ms), keep (ms), max events, ephemeral (1/0), channel, event JSON
 * head (`{"seq":`), event JSON tail (`,"session_id":…,"type":…,"data":…}`).
 * Sequences (≈ 1.8e15) are below 2^53, so Lua's doubles hold them exactly; they are formatted with %.0f.
 */
const PUBLISH_SCRIPT = `
if redis.call('EXISTS', KEYS[4]) == 1 then return '0' end
local now = tonumber(ARGV[1])
local keep = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local head = tonumber(redis.call('GET', KEYS[1]) or '0')
if head == 0 then
  head = now * 1000 - 1
  redis.call('SET', KEYS[2], string.format('%.0f', head))
end
local seq = math.max(head + 1, now * 1000)
local id = string.format('%.0f', seq)
local event = ARGV[6] .. id .. ARGV[7]
redis.call('SET', KEYS[1], id, 'PX', keep)
if ARGV[4] ~= '1' then
  redis.call('XADD', KEYS[3], id .. '-0', 'e', event)
  local len = redis.call('XLEN', KEYS[3])
  local dropped = nil
  if len > max then
    local gone = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', len - max)
    dropped = gone[#gone][1]
    redis.call('XTRIM', KEYS[3], 'MAXLEN', max)
  end
  local oldest = string.format('%.0f', (now - keep) * 1000)
  local old = redis.call('XREVRANGE', KEYS[3], '(' .. oldest .. '-0', '-', 'COUNT', 1)
  if #old > 0 then
    dropped = old[1][1]
    redis.call('XTRIM', KEYS[3], 'MINID', oldest .. '-0')
  end
  if dropped then
    redis.call('SET', KEYS[2], string.sub(dropped, 1, -3))
  end
end
redis.call('PEXPIRE', KEYS[2], keep)
redis.call('PEXPIRE', KEYS[3], keep)
redis.call('PUBLISH', ARGV[5], event)
return id
`;

/**
 * Replay: drops what is older than the retention (as publish would), then returns head, floor and the kept
 * events after a sequence. KEYS: head, floor, log. ARGV: now (ms), keep (ms), after.
 */
const REPLAY_SCRIPT = `
local head = redis.call('GET', KEYS[1])
if not head then return {} end
local keep = tonumber(ARGV[2])
local oldest = string.format('%.0f', (tonumber(ARGV[1]) - keep) * 1000)
local old = redis.call('XREVRANGE', KEYS[3], '(' .. oldest .. '-0', '-', 'COUNT', 1)
if #old > 0 then
  redis.call('SET', KEYS[2], string.sub(old[1][1], 1, -3), 'PX', keep)
  redis.call('XTRIM', KEYS[3], 'MINID', oldest .. '-0')
end
local floor = redis.call('GET', KEYS[2]) or head
local entries = redis.call('XRANGE', KEYS[3], '(' .. ARGV[3] .. '-0', '+')
local events = {}
for i, entry in ipairs(entries) do events[i] = entry[2][2] end
return { head, floor, events }
`;

/**
 * What travels on the channel: an event, the end of a forgotten session's followers, or a principal's revocation
 * (the `principal.revoked` signal).
 */
type Envelope = SessionEvent | { forget: string } | { revoked: string };

/** How an event's JSON starts on the channel, and the key before its session id (see publish). */
const EVENT_HEAD = '{"seq":';
const SESSION_KEY = ',"session_id":"';

export interface RedisEventBusOptions {
  url: string;
  /** Prefix of every key and of the channel (tests use a unique one per run). */
  keyPrefix?: string;
  retention?: ReplayRetention;
  now?: () => number;
}

type ScriptedRedis = Redis & {
  publishEvent(
    head: string,
    floor: string,
    log: string,
    tombstone: string,
    now: number,
    keep: number,
    max: number,
    ephemeral: string,
    channel: string,
    jsonHead: string,
    jsonTail: string,
  ): Promise<string>;
  replayEvents(
    head: string,
    floor: string,
    log: string,
    now: number,
    keep: number,
    after: string,
  ): Promise<[] | [string, string, string[]]>;
};

/**
 * The event bus of several instances (REDIS_URL): sequences and kept events in Redis (a Lua script per publish,
 * so two instances never give one sequence twice), live delivery by one PUBLISH channel that every instance
 * subscribes to once and dispatches locally by session id (and to ALL_SESSIONS). Calls go over one connection in
 * call order, so one session's events are sequenced in the order they were published. ioredis reconnects by
 * itself; an outage is logged once (events published meanwhile fail and are not kept: followers that resume
 * get a snapshot).
 */
export class RedisEventBus implements EventBus {
  private readonly commands: ScriptedRedis;
  private readonly subscriber: Redis;
  private readonly subscribed: Promise<void>;
  private readonly subscribers = new Subscribers();
  /** Who listens for the revocation of a principal (keyed by principal; no events go there). */
  private readonly revocations = new Subscribers();
  private readonly prefix: string;
  private readonly channel: string;
  private readonly retention: ReplayRetention;
  private readonly now: () => number;
  private outage = false;
  private subscriberDown = false;
  /** The last sequence delivered here, per session followed on this instance (for catching up, see catchUp). */
  private readonly lastDelivered = new Map<string, number>();

  constructor(options: RedisEventBusOptions) {
    this.prefix = options.keyPrefix ?? "visitor-chat";
    this.channel = `${this.prefix}:events`;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.now = options.now ?? Date.now;
    // Each call is written at once (ioredis pipelines without waiting for answers). Not auto-pipelining: it holds
    // a tick's commands until the previous batch is answered, so an event would wait for the publishing
    // instance's busy event loop to read an earlier answer (bench/RESULTS.md, issue 24 item 3 through Redis).
    const redisOptions = { maxRetriesPerRequest: 2, connectTimeout: 2000 };
    const { Redis } = ioredis();
    this.commands = new Redis(options.url, redisOptions) as ScriptedRedis;
    this.commands.defineCommand("publishEvent", { numberOfKeys: 4, lua: PUBLISH_SCRIPT });
    this.commands.defineCommand("replayEvents", { numberOfKeys: 3, lua: REPLAY_SCRIPT });
    // The subscriber connection retries forever (ioredis re-subscribes after a reconnect).
    this.subscriber = new Redis(options.url, { connectTimeout: 2000, maxRetriesPerRequest: null });
    for (const connection of [this.commands, this.subscriber]) {
      connection.on("error", (error: unknown) => {
        if (this.outage) return;
        this.outage = true;
        logError("events: Redis is unreachable (ioredis keeps reconnecting)", error);
      });
      connection.on("ready", () => {
        if (!this.outage) return;
        this.outage = false;
        logger.warn("events: Redis is reachable again");
      });
    }
    // Events published while the subscriber connection was away were not delivered: once it is back (ioredis
    // subscribes again), the followed sessions' kept events after the last one delivered are delivered.
    this.subscriber.on("close", () => (this.subscriberDown = true));
    this.subscriber.on("ready", () => {
      if (!this.subscriberDown) return;
      this.subscriberDown = false;
      void this.catchUp();
    });
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.channel) this.dispatch(message);
    });
    this.subscribed = this.subscriber.subscribe(this.channel).then(() => undefined);
    // A failed first subscribe is logged by the error handler; replay waits for it and reports it then.
    this.subscribed.catch(() => undefined);
  }

  private keys(sessionId: string): [string, string, string] {
    const base = `${this.prefix}:session:{${sessionId}}`;
    return [`${base}:head`, `${base}:floor`, `${base}:log`];
  }

  /** Set while a forgotten session's events must not be kept again (for the retention). */
  private tombstone(sessionId: string): string {
    return `${this.prefix}:session:{${sessionId}}:forgotten`;
  }

  async publish<T extends SessionEventType>(
    sessionId: string,
    type: T,
    data: EventData<T>,
  ): Promise<SessionEvent> {
    const calledAt = traceClock();
    const jsonTail = `,"session_id":${JSON.stringify(sessionId)},"type":${JSON.stringify(type)},"data":${JSON.stringify(data ?? null)}}`;
    const id = await this.commands.publishEvent(
      ...this.keys(sessionId),
      this.tombstone(sessionId),
      Math.floor(this.now()),
      this.retention.keepMs,
      this.retention.maxEventsPerSession,
      EPHEMERAL_EVENT_TYPES.has(type) ? "1" : "0",
      this.channel,
      EVENT_HEAD,
      jsonTail,
    );
    if (calledAt) {
      traceEvent("publish", id, type, calledAt);
      traceEvent("acked", id, type);
    }
    return { seq: Number(id), session_id: sessionId, type, data } as SessionEvent;
  }

  async replay(sessionId: string, after: number): Promise<ReplayResult> {
    // Live delivery must be on before what is kept is read (followSession subscribes, then replays).
    await this.subscribed;
    const reply = await this.commands.replayEvents(
      ...this.keys(sessionId),
      Math.floor(this.now()),
      this.retention.keepMs,
      String(Math.max(0, Math.floor(after))),
    );
    if (reply.length === 0) return { events: [], complete: false, head: 0 };
    const [head, floor, events] = reply;
    return {
      events: events.map((json) => JSON.parse(json) as SessionEvent),
      complete: after >= Number(floor),
      head: Number(head),
      floor: Number(floor),
    };
  }

  subscribe(sessionId: string, listener: (event: SessionEvent) => void, onEnd?: () => void): () => void {
    return this.subscribers.add(sessionId, listener, onEnd, () => this.lastDelivered.delete(sessionId));
  }

  /** After the subscriber connection came back: what followed sessions missed meanwhile, from what is kept. */
  private async catchUp(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      for (const [sessionId, last] of [...this.lastDelivered]) {
        const { events } = await this.replay(sessionId, last);
        for (const event of events)
          if (event.seq > (this.lastDelivered.get(sessionId) ?? 0)) this.dispatchEvent(event);
      }
    } catch (error) {
      logError("events: could not catch up after Redis came back", error);
    }
  }

  async forget(sessionId: string): Promise<void> {
    await this.commands.set(this.tombstone(sessionId), "1", "PX", this.retention.keepMs);
    await this.commands.del(...this.keys(sessionId));
    await this.commands.publish(this.channel, JSON.stringify({ forget: sessionId } satisfies Envelope));
  }

  async revoke(principal: string): Promise<void> {
    // Here at once (this instance's followers end even if Redis is away), then on every other instance.
    this.revocations.end(principal);
    await this.commands.publish(this.channel, JSON.stringify({ revoked: principal } satisfies Envelope));
  }

  onRevoked(principal: string, onRevoked: () => void): () => void {
    return this.revocations.add(principal, () => undefined, onRevoked);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.subscriber.quit(), this.commands.quit()]);
  }

  /** Open subscriptions on this instance (for metrics and tests). */
  subscriberCount(): number {
    return this.subscribers.count();
  }

  private dispatch(message: string): void {
    const receivedAt = traceClock();
    // Every instance gets every session's events: those of a session nobody follows here are not even parsed.
    if (!this.followedHere(message)) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (receivedAt && "seq" in envelope) {
      traceEvent("received", envelope.seq, envelope.type, receivedAt);
      traceEvent("parsed", envelope.seq, envelope.type);
    }
    if ("revoked" in envelope) {
      this.revocations.end(envelope.revoked);
      return;
    }
    if ("forget" in envelope) {
      this.subscribers.end(envelope.forget);
      this.lastDelivered.delete(envelope.forget);
      return;
    }
    this.dispatchEvent(envelope);
  }

  /**
   * False only for an event (as publish writes it: `{"seq":…,"session_id":"…",…`) of a session with no subscriber
   * here while nobody follows every session; anything else (a forget, a revocation, an id with escapes) is parsed.
   */
  private followedHere(message: string): boolean {
    if (!message.startsWith(EVENT_HEAD) || this.subscribers.has(ALL_SESSIONS)) return true;
    const start = message.indexOf(SESSION_KEY, EVENT_HEAD.length);
    if (start === -1) return true;
    const from = start + SESSION_KEY.length;
    const end = message.indexOf('"', from);
    if (end === -1) return true;
    const sessionId = message.slice(from, end);
    return sessionId.includes("\\") || this.subscribers.has(sessionId);
  }

  private dispatchEvent(event: SessionEvent): void {
    if (this.subscribers.has(event.session_id)) {
      const last = this.lastDelivered.get(event.session_id) ?? 0;
      // Already delivered (a catch-up raced the channel): followers would skip it anyway.
      if (event.seq <= last) return;
      this.lastDelivered.set(event.session_id, event.seq);
    }
    this.subscribers.deliver(event);
    traceEvent("dispatched", event.seq, event.type);
  }
}
