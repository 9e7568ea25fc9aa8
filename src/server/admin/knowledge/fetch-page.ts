import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction, type Socket } from "node:net";
import { isNonPublicAddress } from "../../webhooks/url-guard";

/**
 * Fetching pages for the knowledge-base import, safely: http(s) only; private, loopback, link-local and other
 * special addresses refused (checked on the address actually connected to, so DNS rebinding cannot slip one in)
 * unless allowPrivate; redirects followed (at most 5) only within the same origin; a byte limit enforced while
 * reading; a timeout for the whole request.
 */
export interface FetchLimits {
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
}

export type FetchOutcome =
  | { ok: true; url: string; status: number; contentType: string; body: Buffer }
  | { ok: false; reason: "refused" | "too_large" | "failed"; detail: string; status?: number };

export const IMPORT_USER_AGENT = "VisitorChatImporter/1.0";
const MAX_REDIRECTS = 5;

/**
 * The one SSRF rule (src/server/webhooks/url-guard.ts): loopback, private, link-local, CGNAT, multicast,
 * documentation and the IPv6 forms that embed one of them (::127.0.0.1, ::ffff:0:127.0.0.1, NAT64, 6to4 …).
 */
export const isPrivateAddress = isNonPublicAddress;

/**
 * The import's own agents: no socket is kept alive, none is shared with webhook deliveries or the global agent,
 * so every request opens its own connection through the guarded lookup (a socket kept alive by a webhook
 * delivery to a private address can never carry an import).
 */
const importAgents = {
  "http:": new http.Agent({ keepAlive: false }),
  "https:": new https.Agent({ keepAlive: false }),
};

class RefusedAddressError extends Error {}

function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      const allowed = addresses.filter((entry) => allowPrivate || !isPrivateAddress(entry.address));
      if (allowed.length === 0)
        return callback(new RefusedAddressError(`${hostname} is a private or local address`), "", 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

function requestOnce(
  url: URL,
  limits: FetchLimits,
  signal: AbortSignal,
): Promise<FetchOutcome | { redirect: string }> {
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) && !limits.allowPrivate && isPrivateAddress(host))
      return resolve({ ok: false, reason: "refused", detail: "it is a private or local address" });
    const client = url.protocol === "https:" ? https : http;
    const request = client.get(
      url,
      {
        agent: url.protocol === "https:" ? importAgents["https:"] : importAgents["http:"],
        lookup: guardedLookup(limits.allowPrivate),
        headers: {
          "user-agent": IMPORT_USER_AGENT,
          accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
        },
        signal,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          return resolve({ redirect: new URL(response.headers.location, url).toString() });
        }
        const declared = Number(response.headers["content-length"] ?? "0");
        if (declared > limits.maxBytes) {
          response.destroy();
          return resolve({ ok: false, reason: "too_large", detail: `${declared} bytes` });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxBytes) {
            response.destroy();
            resolve({ ok: false, reason: "too_large", detail: `more than ${limits.maxBytes} bytes` });
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () =>
          resolve({
            ok: true,
            url: url.toString(),
            status,
            contentType: String(response.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks),
          }),
        );
        response.on("error", (error) => resolve({ ok: false, reason: "failed", detail: error.message }));
      },
    );
    // Checked again on the address connected to, whatever led there.
    request.on("socket", (socket: Socket) => {
      const check = () => {
        if (!limits.allowPrivate && socket.remoteAddress && isPrivateAddress(socket.remoteAddress))
          request.destroy(new RefusedAddressError(`${url.hostname} is a private or local address`));
      };
      if (socket.remoteAddress) check();
      else socket.once("connect", check);
    });
    request.on("error", (error) => {
      if (error instanceof RefusedAddressError || error.cause instanceof RefusedAddressError)
        resolve({ ok: false, reason: "refused", detail: "it is a private or local address" });
      else if (signal.aborted)
        resolve({
          ok: false,
          reason: "failed",
          detail:
            signal.reason instanceof Error && signal.reason.name === "TimeoutError"
              ? `no answer within ${limits.timeoutMs} ms`
              : "the import's deadline passed",
        });
      else resolve({ ok: false, reason: "failed", detail: error.message });
    });
  });
}

export interface FetchOptions {
  /** Whether a redirect target may be fetched (robots.txt): a refused one is not requested at all. */
  allowed?: (url: URL) => boolean;
  /** The whole import's deadline (its requests end with it). */
  signal?: AbortSignal;
}

/** GET `url` within the limits; non-2xx answers come back as `failed` with their status. */
export async function fetchPage(
  url: string,
  limits: FetchLimits,
  options: FetchOptions = {},
): Promise<FetchOutcome> {
  let current = new URL(url);
  if (current.protocol !== "http:" && current.protocol !== "https:")
    return { ok: false, reason: "refused", detail: "only http(s) URLs can be imported" };
  const signal = options.signal
    ? AbortSignal.any([AbortSignal.timeout(limits.timeoutMs), options.signal])
    : AbortSignal.timeout(limits.timeoutMs);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    if (options.signal?.aborted)
      return { ok: false, reason: "failed", detail: "the import's deadline passed" };
    const outcome = await requestOnce(current, limits, signal);
    if ("redirect" in outcome) {
      const next = new URL(outcome.redirect);
      if (next.origin !== current.origin)
        return { ok: false, reason: "refused", detail: `it redirects to another site (${next.origin})` };
      if (options.allowed && !options.allowed(next))
        return {
          ok: false,
          reason: "refused",
          detail: `it redirects to ${next.pathname}, which the site's robots.txt does not allow`,
        };
      current = next;
      continue;
    }
    if (outcome.ok && (outcome.status < 200 || outcome.status >= 300))
      return {
        ok: false,
        reason: "failed",
        detail: `the server answered ${outcome.status}`,
        status: outcome.status,
      };
    return outcome;
  }
  return { ok: false, reason: "failed", detail: "too many redirects" };
}
