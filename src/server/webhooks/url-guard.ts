import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * SSRF protection for webhook endpoints: a URL whose host is (or resolves to) a loopback, private, link-local or
 * otherwise non-public address is refused, unless private addresses are allowed (WEBHOOKS_ALLOW_PRIVATE=true).
 * Checked when an endpoint is registered or changed, and again on every delivery, at connect time, through the
 * request's own DNS lookup (`guardedLookup`), so a name that later resolves elsewhere (DNS rebinding) is caught.
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata services)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fc00::", 7], // unique local (private)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
  ["2001:db8::", 32], // documentation
  ["100::", 64], // discard
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** An IPv6 address (as isIP accepts it, zone index allowed) as its 16 bytes. */
function ipv6Bytes(address: string): number[] | undefined {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  let tail: number[] = [];
  if (dotted) {
    tail = dotted.slice(1, 5).map(Number);
    text = `${text.slice(0, dotted.index)}0:0`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string) =>
    part === "" ? [] : part.split(":").map((group) => Number.parseInt(group, 16));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const words =
    halves.length === 2 ? [...head, ...Array<number>(8 - head.length - rest.length).fill(0), ...rest] : head;
  if (words.length !== 8 || words.some((word) => Number.isNaN(word) || word < 0 || word > 0xffff))
    return undefined;
  const bytes = words.flatMap((word) => [word >> 8, word & 255]);
  if (dotted) bytes.splice(12, 4, ...tail);
  return bytes;
}

/**
 * The IPv4 address an IPv6 address carries, in every form that can lead to it: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d, e.g. [::127.0.0.1]), SIIT (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96), 6to4
 * (2002::/16) and Teredo (2001::/32, the client's address inverted). `null`: a NAT64 local-use prefix
 * (64:ff9b:1::/48), whose embedding is not fixed — always refused.
 */
function embeddedIpv4(address: string): string | null | undefined {
  const bytes = ipv6Bytes(address);
  if (!bytes) return undefined;
  const zero = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  const v4 = (at: number, mask = 0) =>
    bytes
      .slice(at, at + 4)
      .map((byte) => byte ^ mask)
      .join(".");
  const word = (index: number) => (bytes[index * 2]! << 8) | bytes[index * 2 + 1]!;
  if (zero(0, 10) && word(5) === 0xffff) return v4(12);
  if (zero(0, 12)) return v4(12);
  if (zero(0, 8) && word(4) === 0xffff && word(5) === 0) return v4(12);
  if (word(0) === 0x64 && word(1) === 0xff9b && zero(4, 12)) return v4(12);
  if (word(0) === 0x64 && word(1) === 0xff9b && word(2) === 1) return null;
  if (word(0) === 0x2002) return v4(2);
  if (word(0) === 0x2001 && word(1) === 0) return v4(12, 255);
  return undefined;
}

/**
 * True for an address a webhook or an import must not reach (unless private addresses are allowed): the one SSRF
 * rule, used by webhooks (src/server/webhooks) and the knowledge import (src/server/admin/knowledge/fetch-page.ts).
 */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address.replace(/%.*$/, ""));
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4 === null) return true;
    if (v4 !== undefined) return blocked.check(v4, "ipv4");
    return blocked.check(address.replace(/%.*$/, ""), "ipv6");
  }
  return true;
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

export type UrlCheck =
  | { ok: true }
  | { ok: false; reason: "unresolvable"; host: string }
  | { ok: false; reason: "non_public"; host: string; address: string };

/** The URL's host without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * Resolves the URL's host and checks every address it resolves to (a name with one private address among public
 * ones is refused: the connection could use either).
 */
export async function checkWebhookUrl(
  url: string,
  options: { allowPrivate: boolean; resolve?: Resolver },
): Promise<UrlCheck> {
  if (options.allowPrivate) return { ok: true };
  const host = hostOf(new URL(url));
  if (isIP(host))
    return isNonPublicAddress(host) ? { ok: false, reason: "non_public", host, address: host } : { ok: true };
  let addresses: LookupAddress[];
  try {
    addresses = await (options.resolve ?? systemResolver)(host);
  } catch {
    return { ok: false, reason: "unresolvable", host };
  }
  if (addresses.length === 0) return { ok: false, reason: "unresolvable", host };
  const bad = addresses.find((entry) => isNonPublicAddress(entry.address));
  return bad ? { ok: false, reason: "non_public", host, address: bad.address } : { ok: true };
}

/** Thrown (through the connection) when a delivery's host resolves to a non-public address. */
export class NonPublicAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `${host} resolves to ${address}, a loopback, private or link-local address: not sent (SSRF protection)`,
    );
    this.name = "NonPublicAddressError";
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s).request that refuses non-public addresses: the address checked is the one connected to.
 * (A literal IP host is not looked up by Node: check it with checkWebhookUrl first.)
 */
export function guardedLookup(resolve: Resolver = systemResolver) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        const bad = addresses.find((entry) => isNonPublicAddress(entry.address));
        if (bad) return callback(new NonPublicAddressError(hostname, bad.address), []);
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} does not resolve`);
          error.code = "ENOTFOUND";
          return callback(error, []);
        }
        if (options.all) return callback(null, addresses);
        const first = addresses[0]!;
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
