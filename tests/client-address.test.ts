/**
 * The trusted client address (protection/client-address.ts, applied by scripts/start.ts) and the limits built on
 * it, over real HTTP against the server as `npm start` runs it. Requests leave from chosen loopback addresses
 * (127.0.0.2, 127.0.0.3, …) so the server sees genuinely different clients.
 */
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/server/db/client";
import {
  addressBucket,
  networkOf,
  parseTrustedProxies,
  resolveClientAddress,
} from "~/server/protection/client-address";
import { redactUrls } from "../scripts/db";
import { ensureTestAdmin, TEST_ADMIN } from "../testing/admin";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";
import { freePort, startServer, type RunningServer } from "../testing/next-server";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** A JSON request sent from `localAddress` (a loopback address), so the socket address is under test control. */
function send(
  url: string,
  options: { localAddress: string; method?: string; headers?: Record<string, string>; json?: unknown },
): Promise<Answer> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? (body ? "POST" : "GET"),
        localAddress: options.localAddress,
        headers: { ...(body ? { "content-type": "application/json" } : {}), ...options.headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = { text };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("client address resolution (unit)", () => {
  it("parses TRUSTED_PROXIES as nothing, a hop count or addresses and ranges", () => {
    expect(parseTrustedProxies(undefined)).toEqual({ kind: "none" });
    expect(parseTrustedProxies("0")).toEqual({ kind: "none" });
    expect(parseTrustedProxies("2")).toEqual({ kind: "hops", count: 2 });
    expect(parseTrustedProxies("10.0.0.0/8, 2001:db8::/32 192.0.2.1").kind).toBe("addresses");
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/TRUSTED_PROXIES/);
    expect(() => parseTrustedProxies("proxy.example")).toThrow(/TRUSTED_PROXIES/);
  });

  it("uses the socket address unless a trusted proxy appended the hop", () => {
    const none = parseTrustedProxies("");
    const forged = {
      socketAddress: "::ffff:203.0.113.9",
      forwardedFor: "198.51.100.1",
      forwardedProto: "https",
    };
    expect(resolveClientAddress(forged, none)).toEqual({ address: "203.0.113.9", proto: "http" });

    const oneHop = parseTrustedProxies("1");
    const viaProxy = {
      socketAddress: "10.0.0.2",
      forwardedFor: "6.6.6.6, 198.51.100.1",
      forwardedProto: "https",
    };
    expect(resolveClientAddress(viaProxy, oneHop)).toEqual({ address: "198.51.100.1", proto: "https" });
    expect(resolveClientAddress({ socketAddress: "127.0.0.1" }, oneHop).address).toBe("127.0.0.1");

    const ranges = parseTrustedProxies("10.0.0.0/8");
    const chain = { socketAddress: "10.0.0.2", forwardedFor: "6.6.6.6, 198.51.100.1, 10.1.2.3" };
    expect(resolveClientAddress(chain, ranges).address).toBe("198.51.100.1");
    // A socket outside the trusted ranges is the client, whatever it forwards.
    expect(resolveClientAddress({ ...chain, socketAddress: "192.0.2.8" }, ranges).address).toBe("192.0.2.8");
  });

  it("groups addresses by /24 and /48 network", () => {
    expect(networkOf("198.51.100.77")).toBe("198.51.100.0/24");
    expect(networkOf("2001:db8:abcd:12::1")).toBe("2001:db8:abcd::/48");
    expect(networkOf("2001:db8::1")).toBe("2001:db8:0::/48");
    expect(addressBucket("198.51.100.77")).toBe("198.51.100.77");
    expect(addressBucket("2001:db8:abcd:12:aaaa::1")).toBe(addressBucket("2001:db8:abcd:12::2"));
    expect(addressBucket("2001:db8:abcd:12::1")).not.toBe(addressBucket("2001:db8:abcd:13::1"));
  });

  it("redacts passwords in URLs", () => {
    expect(redactUrls("Error: dial postgres://chat:s3cret@db:5432/x?sslmode=disable failed")).toBe(
      "Error: dial postgres://chat:***@db:5432/x?sslmode=disable failed",
    );
    expect(redactUrls("host=db password=s3cret user=chat")).toBe("host=db password=*** user=chat");
  });
});

describe("without TRUSTED_PROXIES a forged X-Forwarded-For changes nothing (npm start, SQLite)", () => {
  let database: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    const db = await openDatabase(database.url);
    try {
      await ensureTestAdmin({ db: db.db, dialect: db.dialect });
    } finally {
      await db.close();
    }
    server = await startServer({
      databaseUrl: database.url,
      env: { RATE_LIMITS: "on", RATE_LIMIT_VISITOR_CREATE_PER_IP: "3/60" },
    });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it("counts visitor creation by the connection's address", async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const answer = await send(`${server.baseUrl}/api/chats/visitors/`, {
        localAddress: "127.0.0.2",
        headers: { "x-forwarded-for": `198.51.100.${index}` },
        json: {},
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    const other = await send(`${server.baseUrl}/api/chats/visitors/`, {
      localAddress: "127.0.0.3",
      json: {},
    });
    expect(other.status).toBe(201);
  });

  it("an attacker rotating X-Forwarded-For cannot lock the admin out: the right password still signs in", async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 12; index += 1) {
      const answer = await send(`${server.baseUrl}/api/auth/sign-in/email`, {
        localAddress: "127.0.0.4",
        headers: { origin: server.baseUrl, "x-forwarded-for": `203.0.113.${index}` },
        json: { email: TEST_ADMIN.email, password: `wrong guess ${index}` },
      });
      statuses.push(answer.status);
    }
    // Better Auth's 5 a minute per address hold: the rotated header gave the attacker no fresh attempts.
    expect(statuses).toEqual([...Array<number>(5).fill(401), ...Array<number>(7).fill(429)]);
    const owner = await send(`${server.baseUrl}/api/auth/sign-in/email`, {
      localAddress: "127.0.0.5",
      headers: { origin: server.baseUrl, "x-forwarded-proto": "https" },
      json: TEST_ADMIN,
    });
    expect(owner.status).toBe(200);
    const cookies = ([] as string[]).concat(owner.headers["set-cookie"] ?? []);
    expect(cookies.some((cookie) => cookie.includes("session_token="))).toBe(true);
    // X-Forwarded-Proto from no trusted proxy is ignored: no Secure cookie over plain http.
    expect(cookies.some((cookie) => /;\s*secure/i.test(cookie))).toBe(false);
  });
});

describe("with TRUSTED_PROXIES=1: the proxy's X-Forwarded-For hop, network shares and totals (npm start, SQLite)", () => {
  let database: TestDatabase;
  let server: RunningServer;
  const proxied = (client: string, extra: Record<string, string> = {}) => ({
    localAddress: "127.0.0.1",
    headers: { "x-forwarded-for": client, ...extra },
  });
  const createVisitor = async (client: string) =>
    send(`${server.baseUrl}/api/chats/visitors/`, { ...proxied(client), json: {} });

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    const db = await openDatabase(database.url);
    try {
      await ensureTestAdmin({ db: db.db, dialect: db.dialect });
    } finally {
      await db.close();
    }
    server = await startServer({
      databaseUrl: database.url,
      env: {
        RATE_LIMITS: "on",
        TRUSTED_PROXIES: "1",
        RATE_LIMIT_VISITOR_CREATE_PER_IP: "3/60",
        RATE_LIMIT_VISITOR_CREATE_PER_NETWORK: "6/60",
        RATE_LIMIT_VISITOR_CREATE_TOTAL: "16/60",
        RATE_LIMIT_VISITOR_CREATE_RESERVE_PER_NETWORK: "2/60",
        RATE_LIMIT_MESSAGE_PER_IP: "4/60",
        RATE_LIMIT_MESSAGE_TOTAL: "6/60",
        RATE_LIMIT_SIGN_IN_TOTAL: "8/900",
        RATE_LIMIT_SIGN_IN_RESERVE_PER_NETWORK: "1/900",
      },
    });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it("limits messages per address and in total (the bound on LLM spend)", async () => {
    const conversation = async (client: string) => {
      const visitor = await createVisitor(client);
      const visitorId = (visitor.body.data as { id: string }).id;
      const session = await send(`${server.baseUrl}/api/chats/sessions/`, {
        ...proxied(client),
        json: { visitor_id: visitorId },
      });
      const ids = { visitor_id: visitorId, session_id: (session.body.data as { id: string }).id };
      return (message: string) =>
        send(`${server.baseUrl}/api/chats/messages/chat/`, { ...proxied(client), json: { ...ids, message } });
    };
    const first = await conversation("198.18.0.1"); // visitors: 1 of the total
    const second = await conversation("198.18.1.1"); // 2
    const firstStatuses: number[] = [];
    for (let index = 0; index < 5; index += 1) firstStatuses.push((await first(`hello ${index}`)).status);
    expect(firstStatuses).toEqual([200, 200, 200, 200, 429]); // 4 per address
    expect((await second("one")).status).toBe(200);
    expect((await second("two")).status).toBe(200);
    const overTotal = await second("three"); // 6 in all, from everyone
    expect(overTotal.status).toBe(429);
    expect(overTotal.headers["ratelimit-policy"]).toBe("6;w=60");
  });

  it("counts by the hop the proxy appended, not by what the client wrote before it", async () => {
    const statuses = [
      (await createVisitor("192.0.2.1")).status,
      (await createVisitor("6.6.6.1, 192.0.2.1")).status,
      (await createVisitor("6.6.6.2, 192.0.2.1")).status,
      (await createVisitor("6.6.6.3, 192.0.2.1")).status,
      (await createVisitor("192.0.2.2")).status,
    ];
    expect(statuses).toEqual([201, 201, 201, 429, 201]); // visitors: 2 + 4 = 6 of the total
  });

  it("a flood from one /24 leaves visitor creation working for other networks, even once the total is spent", async () => {
    const flood: number[] = [];
    for (let index = 1; index <= 10; index += 1)
      flood.push((await createVisitor(`198.51.100.${index}`)).status);
    expect(flood).toEqual([201, 201, 201, 201, 201, 201, 429, 429, 429, 429]); // 6 per network; total 12
    expect((await createVisitor("203.0.113.5")).status).toBe(201); // 13
    for (const client of ["10.1.1.1", "10.1.2.1", "10.1.3.1"])
      expect((await createVisitor(client)).status).toBe(201); // 16: the total is spent
    // Each network still has its small reserve.
    const reserve = [
      (await createVisitor("10.2.0.1")).status,
      (await createVisitor("10.2.0.2")).status,
      (await createVisitor("10.2.0.3")).status,
    ];
    expect(reserve).toEqual([201, 201, 429]);
    expect((await createVisitor("10.3.0.1")).status).toBe(201);
  });

  it("password spraying across accounts hits the total sign-in limit; others still sign in, with Secure cookies behind https", async () => {
    const spray: number[] = [];
    for (let index = 0; index < 10; index += 1) {
      const answer = await send(`${server.baseUrl}/api/auth/sign-in/email`, {
        ...proxied(`198.51.100.${100 + index}`, { origin: server.baseUrl }),
        json: { email: `sprayed-${index}@example.com`, password: "Winter2026!Winter2026!" },
      });
      spray.push(answer.status);
    }
    // 8 in all, then one more from the sprayer's network (its reserve), then refused.
    expect(spray).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 429]);
    const owner = await send(`${server.baseUrl}/api/auth/sign-in/email`, {
      ...proxied("203.0.113.77", { origin: server.baseUrl, "x-forwarded-proto": "https" }),
      json: TEST_ADMIN,
    });
    expect(owner.status).toBe(200);
    const cookies = ([] as string[]).concat(owner.headers["set-cookie"] ?? []);
    const session = cookies.find((cookie) => cookie.includes("session_token="));
    expect(session).toMatch(/;\s*Secure/i);
  });
});

describe("npm start with the database down", () => {
  it("exits with an error that does not show the database password", { timeout: 60_000 }, async () => {
    const secret = "Sup3r-Secret-Passw0rd";
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "start.ts")], {
      env: {
        ...process.env,
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        DATABASE_URL: `postgresql://chat:${secret}@127.0.0.1:9/visitor_chat?sslmode=disable`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(/postgres(ql)?:\/\/chat:\*\*\*@127\.0\.0\.1:9/);
    expect(output).not.toContain(secret);
  });
});
