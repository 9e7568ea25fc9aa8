import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

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

const specialAddresses = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3],
] as const)
  specialAddresses.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["2001:db8::", 32],
  ["64:ff9b::", 96],
] as const)
  specialAddresses.addSubnet(network, prefix, "ipv6");

/** True for an address an import must not reach by default (private networks, loopback, link-local …). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return specialAddresses.check(address, family === 4 ? "ipv4" : "ipv6");
}

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
    if (isIP(url.hostname.replace(/^\[|\]$/g, "")) && !limits.allowPrivate) {
      if (isPrivateAddress(url.hostname.replace(/^\[|\]$/g, "")))
        return resolve({ ok: false, reason: "refused", detail: "it is a private or local address" });
    }
    const client = url.protocol === "https:" ? https : http;
    const request = client.get(
      url,
      {
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
    request.on("error", (error) => {
      if (error instanceof RefusedAddressError || error.cause instanceof RefusedAddressError)
        resolve({ ok: false, reason: "refused", detail: "it is a private or local address" });
      else if (signal.aborted)
        resolve({ ok: false, reason: "failed", detail: `no answer within ${limits.timeoutMs} ms` });
      else resolve({ ok: false, reason: "failed", detail: error.message });
    });
  });
}

/** GET `url` within the limits; non-2xx answers come back as `failed` with their status. */
export async function fetchPage(url: string, limits: FetchLimits): Promise<FetchOutcome> {
  let current = new URL(url);
  if (current.protocol !== "http:" && current.protocol !== "https:")
    return { ok: false, reason: "refused", detail: "only http(s) URLs can be imported" };
  const signal = AbortSignal.timeout(limits.timeoutMs);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    const outcome = await requestOnce(current, limits, signal);
    if ("redirect" in outcome) {
      const next = new URL(outcome.redirect);
      if (next.origin !== current.origin)
        return { ok: false, reason: "refused", detail: `it redirects to another site (${next.origin})` };
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
