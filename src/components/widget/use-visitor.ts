"use client";

import type { inferRouterInputs } from "@trpc/server";
import { useCallback, useEffect, useState } from "react";
import type { AppRouter } from "~/server/api/root";
import { useTRPCClient } from "~/trpc/react";
import { backoffMs, isNotFoundError, isTransientError } from "./errors";
import { connectToHost, type HostBridge, type JsonObject } from "./host-bridge";
import { currentResumeLink, readStoredVisitorId, storeVisitorId } from "./visitor-storage";

export type VisitorState =
  | { status: "connecting"; retrying: boolean; retryNow: () => void }
  | {
      status: "ready";
      visitorId: string;
      host: HostBridge | null;
      /** After the visitor erased itself: a new visitor, stored in place of the old one. */
      startFresh: () => void;
    };

type Client = ReturnType<typeof useTRPCClient>;

interface BootstrapResult {
  visitorId: string;
  host: HostBridge | null;
}

interface BootstrapHooks {
  onRetrying: (retrying: boolean) => void;
  /** Resolves after the back-off delay, or earlier when the visitor asks to retry now. */
  wait: (ms: number) => Promise<void>;
  embed: boolean;
}

type VisitorMetadata = NonNullable<inferRouterInputs<AppRouter>["visitors"]["create"]["metadata"]>;

type IdentifyInput = inferRouterInputs<AppRouter>["visitors"]["identify"];

/** identify()'s fields that are not metadata: who the user is, and the proof (never stored as metadata). */
const IDENTITY_FIELDS = ["user_id", "user_hash", "name", "email"] as const;

/** What the host page passed to identify(), without the identity fields (as plain JSON). */
function identifyMetadata(data: JsonObject | undefined): JsonObject {
  const rest: JsonObject = { ...data };
  for (const field of IDENTITY_FIELDS) delete rest[field];
  return JSON.parse(JSON.stringify(rest)) as JsonObject;
}

/** What the browser says about the visit, plus what the host page passed to identify() (as plain JSON). */
function browserMetadata(host: HostBridge | null, withIdentify: boolean): VisitorMetadata {
  const facts: JsonObject = {
    user_agent: navigator.userAgent,
    locale: navigator.language,
    page_url: host?.init.pageUrl ?? window.location.href,
    referrer: (host ? host.init.referrer : document.referrer) || null,
    ...(withIdentify ? identifyMetadata(host?.init.metadata) : undefined),
  };
  return JSON.parse(JSON.stringify(facts)) as VisitorMetadata;
}

/** identify() data as the identify procedure's input. */
function identifyInput(visitorId: string, data: JsonObject): IdentifyInput {
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value : undefined);
  const metadata = identifyMetadata(data) as VisitorMetadata;
  return {
    id: visitorId,
    user_id: text(data.user_id),
    user_hash: text(data.user_hash),
    name: text(data.name),
    email: text(data.email),
    ...(Object.keys(metadata).length > 0 && { metadata }),
  };
}

/**
 * Tells the server what the host page passed to identify(); answers the visitor id to use from now on (the user's
 * visitor when user_hash proved the user), stored in place of the old one. A refusal (wrong hash, metadata too
 * large) keeps the current visitor: identify() must never keep anyone out of the chat.
 */
export async function identifyVisitor(
  client: Client,
  host: HostBridge | null,
  visitorId: string,
  data: JsonObject,
): Promise<string> {
  try {
    const result = await client.visitors.identify.mutate(identifyInput(visitorId, data));
    if (result.visitor_id !== visitorId) {
      storeVisitorId(result.visitor_id);
      host?.saveVisitor(result.visitor_id);
    }
    return result.visitor_id;
  } catch {
    // Refused (e.g. a user_hash that does not match): the chat goes on with the anonymous visitor; the server
    // logs the refusal, so the browser console need not.
    return visitorId;
  }
}

/** Repeats `call` while it fails for transient reasons (network, 5xx), telling the UI it is retrying. */
async function withRetry<T>(call: () => Promise<T>, hooks: BootstrapHooks): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const result = await call();
      hooks.onRetrying(false);
      return result;
    } catch (error) {
      if (!isTransientError(error)) throw error;
      hooks.onRetrying(true);
      await hooks.wait(backoffMs(attempt));
    }
  }
}

/**
 * The seed's start-up flow: read the stored visitor id → validate it → if missing or unknown create a new
 * visitor → store it. An unknown id is replaced silently; only network trouble is shown (and retried).
 * Embedded, the host page's stored id comes first and the iframe's own storage is the fallback.
 */
async function bootstrapVisitor(client: Client, hooks: BootstrapHooks): Promise<BootstrapResult> {
  const host = hooks.embed ? await connectToHost() : null;
  // An email's link names the visitor it was sent to: it comes first (a fresh browser has nothing stored).
  const candidates = [
    currentResumeLink()?.visitorId ?? null,
    host?.init.visitorId ?? null,
    readStoredVisitorId(),
  ].filter(
    (id, index, all): id is string => typeof id === "string" && id.length > 0 && all.indexOf(id) === index,
  );

  let visitorId: string | null = null;
  for (const candidate of candidates) {
    try {
      await withRetry(() => client.visitors.validate.query({ id: candidate }), hooks);
      visitorId = candidate;
      break;
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      // Unknown or malformed: try the next candidate, or create a new visitor below. No error is shown.
    }
  }
  const identify = host?.init.metadata ?? {};
  const identifies = typeof identify.user_id === "string" || typeof identify.user_hash === "string";
  if (!visitorId) {
    const created = await createVisitor(client, host, hooks);
    // A new visitor has the metadata already; a signed-in user still needs linking.
    if (!identifies) return created;
    return { visitorId: await identifyVisitor(client, host, created.visitorId, identify), host };
  }
  storeVisitorId(visitorId);
  host?.saveVisitor(visitorId);
  // A returning visitor: what identify() says now (a sign-in, new metadata) is sent too.
  if (Object.keys(identify).length > 0) visitorId = await identifyVisitor(client, host, visitorId, identify);
  return { visitorId, host };
}

/** A new visitor, stored (here and in the host page) as the one to come back as. */
async function createVisitor(
  client: Client,
  host: HostBridge | null,
  hooks: BootstrapHooks,
): Promise<BootstrapResult> {
  const create = (withIdentify: boolean) =>
    withRetry(() => client.visitors.create.mutate({ metadata: browserMetadata(host, withIdentify) }), hooks);
  // identify() data the server refuses (too big, not an object) must not keep the visitor out of the chat.
  const visitor = await create(true).catch((error: unknown) => {
    if (isNotFoundError(error)) return create(false);
    throw error;
  });
  storeVisitorId(visitor.id);
  host?.saveVisitor(visitor.id);
  return { visitorId: visitor.id, host };
}

// One bootstrap per page, even when React runs effects twice (development strict mode). The mounted hook
// registers itself here to hear about retries.
let running: Promise<BootstrapResult> | null = null;
const listener: { onRetrying: (retrying: boolean) => void; onWake: (wake: () => void) => void } = {
  onRetrying: () => undefined,
  onWake: () => undefined,
};

function waitOrWake(ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const now = () => {
      window.clearTimeout(timer);
      window.removeEventListener("online", now);
      resolve();
    };
    const timer = window.setTimeout(now, ms);
    window.addEventListener("online", now);
    listener.onWake(now);
  });
}

export function useVisitor(embed: boolean): VisitorState {
  const client = useTRPCClient();
  const [result, setResult] = useState<BootstrapResult | null>(null);
  const [retrying, setRetrying] = useState(false);
  const [wake, setWake] = useState<(() => void) | null>(null);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let alive = true;
    listener.onRetrying = (value) => {
      if (alive) setRetrying(value);
    };
    listener.onWake = (now) => {
      if (alive) setWake(() => now);
    };
    running ??= bootstrapVisitor(client, {
      embed,
      onRetrying: (value) => listener.onRetrying(value),
      wait: waitOrWake,
    });
    running.then(
      (value) => {
        if (alive) setResult(value);
      },
      () => {
        // Neither transient nor "unknown visitor" (a bug, a misconfigured server): keep trying, slowly. The UI
        // shows it is retrying; the server logged the failure of the call.
        running = null;
        if (!alive) return;
        setRetrying(true);
        window.setTimeout(() => setRound((n) => n + 1), 10_000);
      },
    );
    return () => {
      alive = false;
    };
  }, [client, embed, round]);

  const host = result?.host ?? null;
  const currentId = result?.visitorId;
  // identify() called by the host page after start-up: sent at once, switching to the user's visitor if need be.
  useEffect(() => {
    if (!host || !currentId) return;
    return host.listen((message) => {
      if (message.type !== "identify") return;
      void identifyVisitor(client, host, currentId, message.metadata).then((visitorId) => {
        if (visitorId !== currentId) setResult({ visitorId, host });
      });
    });
  }, [client, host, currentId]);

  const startFresh = useCallback(() => {
    running = createVisitor(client, host, {
      embed,
      onRetrying: (value) => listener.onRetrying(value),
      wait: waitOrWake,
    });
    setResult(null);
    setRound((n) => n + 1);
  }, [client, embed, host]);

  if (!result) return { status: "connecting", retrying, retryNow: () => wake?.() };
  return { status: "ready", visitorId: result.visitorId, host: result.host, startFresh };
}
