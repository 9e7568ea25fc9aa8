import { BlockList, isIP } from "node:net";

/**
 * The one answer to "who is the client?" for the whole app: rate limits, the sign-in limits and Better Auth.
 *
 * `npm start` (scripts/start.ts) serves Next.js from its own `node:http` server, which knows the socket's
 * address. For each request it resolves the client address with `resolveClientAddress` below (the socket
 * address, or an `X-Forwarded-For` hop when TRUSTED_PROXIES says a proxy in front appended it), puts it in
 * CLIENT_ADDRESS_HEADER and the scheme in CLIENT_PROTO_HEADER, replacing whatever a client sent under those
 * names, and rewrites `X-Forwarded-For` / `X-Forwarded-Proto` to the same values. Route handlers then read the
 * header (`clientIp`). Without that server (`next dev`, or in-process tests) there is no socket to look at and
 * the address falls back to `X-Forwarded-For`, which a client can forge.
 *
 * This module has no app imports: scripts/start.ts loads it before Next.js.
 */
export const CLIENT_ADDRESS_HEADER = "x-visitor-chat-client-ip";
export const CLIENT_PROTO_HEADER = "x-visitor-chat-client-proto";

/** Which `X-Forwarded-For` hops to believe: none, a count of proxies in front, or the proxies' addresses. */
export type TrustedProxies =
  | { kind: "none" }
  | { kind: "hops"; count: number }
  | { kind: "addresses"; list: BlockList; ranges: string[] };

/**
 * TRUSTED_PROXIES: unset, empty or `0` → none (the socket address, whatever the client sends); a number N → N
 * proxies in front, each appending to `X-Forwarded-For`; otherwise a comma- or space-separated list of proxy
 * addresses or CIDR ranges (`10.0.0.0/8, 2001:db8::/32`): hops from those addresses are skipped, right to left.
 */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const text = (value ?? "").trim();
  if (text === "" || text === "0") return { kind: "none" };
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count > 10) throw new Error("TRUSTED_PROXIES: at most 10 proxy hops");
    return { kind: "hops", count };
  }
  const list = new BlockList();
  const ranges = text.split(/[\s,]+/).filter(Boolean);
  for (const range of ranges) {
    const [address = "", bits] = range.split("/");
    const family = isIP(address);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (family === 0 || (bits !== undefined && !/^\d+$/.test(bits)) || prefix > (family === 6 ? 128 : 32)) {
      throw new Error(
        `TRUSTED_PROXIES: "${range}" is neither a number of proxies nor an IP address or CIDR range`,
      );
    }
    list.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return { kind: "addresses", list, ranges };
}

/** An address as the limits key it: IPv4-mapped IPv6 as IPv4, lower case; undefined if not an IP address. */
export function normalizeAddress(raw: string | undefined): string | undefined {
  let address = (raw ?? "").trim().toLowerCase();
  if (address.startsWith("[") && address.includes("]")) address = address.slice(1, address.indexOf("]"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) address = mapped[1]!;
  return isIP(address) ? address : undefined;
}

function isTrustedHop(address: string, trusted: Extract<TrustedProxies, { kind: "addresses" }>): boolean {
  return trusted.list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/** Whether the connection itself comes from a trusted proxy (whose request headers, e.g. X-Request-Id, are believed). */
export function isTrustedProxy(socketAddress: string | undefined, trusted: TrustedProxies): boolean {
  if (trusted.kind === "none") return false;
  if (trusted.kind === "hops") return trusted.count > 0;
  const address = normalizeAddress(socketAddress);
  return address !== undefined && isTrustedHop(address, trusted);
}

export interface ResolvedClient {
  address: string;
  proto: "http" | "https";
}

/**
 * The client of one connection. The chain is every `X-Forwarded-For` entry followed by the socket address;
 * each trusted proxy appended the address it received the request from, so the client is the first hop, from
 * the right, that is not a trusted proxy. With no trusted proxies that is the socket itself. The scheme is
 * `X-Forwarded-Proto` only when the socket is a trusted proxy (the value the nearest one set).
 */
export function resolveClientAddress(
  request: { socketAddress: string | undefined; forwardedFor?: string; forwardedProto?: string },
  trusted: TrustedProxies,
): ResolvedClient {
  const socket = normalizeAddress(request.socketAddress) ?? "unknown";
  const forwarded = (request.forwardedFor ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const chain = [...forwarded, socket];
  let clientIndex = chain.length - 1;
  if (trusted.kind === "hops") clientIndex = Math.max(0, chain.length - 1 - trusted.count);
  if (trusted.kind === "addresses") {
    while (clientIndex > 0) {
      const hop = normalizeAddress(chain[clientIndex]);
      if (!hop || !isTrustedHop(hop, trusted)) break;
      clientIndex -= 1;
    }
  }
  const viaProxy = clientIndex < chain.length - 1;
  // A malformed entry a proxy passed through is not an address: fall back to the hop that handed it over.
  const address = normalizeAddress(chain[clientIndex]) ?? normalizeAddress(chain[clientIndex + 1]) ?? socket;
  const proto = viaProxy
    ? (request.forwardedProto ?? "")
        .split(",")
        .map((part) => part.trim().toLowerCase())
        .filter(Boolean)
        .at(-1)
    : undefined;
  return { address, proto: proto === "https" ? "https" : "http" };
}

function ipv6Groups(address: string): string[] {
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return groups.map((group) => Number.parseInt(group || "0", 16).toString(16));
}

/**
 * The network an address belongs to, for limits that one network must not exhaust alone: its /24 (IPv4) or
 * /48 (IPv6, a typical site allocation). Anything else is its own network.
 */
export function networkOf(address: string): string {
  const family = isIP(address);
  if (family === 4) return `${address.split(".").slice(0, 3).join(".")}.0/24`;
  if (family !== 6) return address;
  return `${ipv6Groups(address).slice(0, 3).join(":")}::/48`;
}

/**
 * What per-address limits count: the address, or for IPv6 its /64 (one subscriber usually has a whole /64 and
 * could otherwise rotate through it, as Better Auth's limiter also assumes).
 */
export function addressBucket(address: string): string {
  return isIP(address) === 6 ? `${ipv6Groups(address).slice(0, 4).join(":")}::/64` : address;
}

/** Set by scripts/start.ts before Next.js loads: CLIENT_ADDRESS_HEADER is then written by our own server. */
const marker = globalThis as typeof globalThis & { __visitorChatTrustedClientHeader?: boolean };

export function markClientHeaderTrusted(): void {
  marker.__visitorChatTrustedClientHeader = true;
}

/** True when requests come through scripts/start.ts, whose CLIENT_ADDRESS_HEADER is the truth. */
export function clientHeaderTrusted(): boolean {
  return marker.__visitorChatTrustedClientHeader === true;
}

let warned = false;

/**
 * The client address of a request, for rate limits and the sign-in limits: the address scripts/start.ts
 * resolved. Elsewhere (`next dev`, `next start` run directly, tests calling handlers in-process) the last
 * `X-Forwarded-For` entry (Next.js fills it with the socket address when the client sent none; a client can
 * forge it), with a warning in production.
 */
export function clientIp(headers: Headers): string {
  if (clientHeaderTrusted()) return headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
  if (!warned && process.env.NODE_ENV === "production") {
    warned = true;
    // Imported here, not at the top: src/env.ts imports this module, and the logger reads env.
    void import("../observability/logger").then(({ logger }) =>
      logger.warn(
        "visitor-chat: not started with `npm start` (scripts/start.ts): client addresses come from X-Forwarded-For, which clients can forge",
      ),
    );
  }
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return normalizeAddress(forwarded.at(-1)) ?? forwarded.at(-1) ?? "unknown";
}

/** The request's scheme as the trusted proxy in front saw it (https only when TRUSTED_PROXIES vouches for it). */
export function clientProto(headers: Headers): "http" | "https" {
  return clientHeaderTrusted() && headers.get(CLIENT_PROTO_HEADER) === "https" ? "https" : "http";
}
