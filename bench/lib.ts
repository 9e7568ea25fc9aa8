/**
 * Shared helpers for the benches: flags, percentiles, a figures table, and a lean keep-alive HTTP client
 * (node:http, so the load generator spends as little CPU as possible on the 2-core machine it shares with the
 * server).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createParser } from "eventsource-parser";

/** `--name value` / `--name=value` / `--flag` → record. */
export function parseFlags(argv = process.argv.slice(2)): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? "";
    if (!arg.startsWith("--")) continue;
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    const next = argv[index + 1];
    if (inline !== undefined) flags[name] = inline;
    else if (next !== undefined && !next.startsWith("--")) flags[name] = argv[++index] ?? "";
    else flags[name] = "true";
  }
  return flags;
}

export function intFlag(flags: Record<string, string>, name: string, fallback: number): number {
  const value = flags[name];
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a whole number`);
  return parsed;
}

/** Nearest-rank percentile of unsorted samples (ms). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

/** Prints a plain, aligned table (also valid Markdown). */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`);
  for (const row of cells.slice(1)) console.log(line(row));
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const load = os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
  return `${new Date().toISOString()} · node ${process.version} · ${os.cpus().length}× ${cpu} · ${Math.round(
    os.totalmem() / 2 ** 30,
  )} GB · load ${load}`;
}

export const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
  ms: number;
}

/** One request; the body is sent as given (a string) or JSON-encoded. Never throws on an HTTP status. */
export function request(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const started = performance.now();
  const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          ...(payload !== undefined && {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(payload),
          }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json,
            ms: performance.now() - started,
          });
        });
      },
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

interface SseEvent {
  event: string;
  data: string;
  /** Wall-clock arrival time (performance.timeOrigin + performance.now()), comparable across processes. */
  at: number;
}

interface SseResult {
  status: number;
  events: SseEvent[];
  /** Error body when the server refused before streaming. */
  json: unknown;
  ms: number;
}

/** POSTs and reads a Server-Sent Events answer to the end, stamping each event's arrival. */
export function postSse(baseUrl: string, path: string, body: unknown): Promise<SseResult> {
  const started = performance.now();
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(path, baseUrl),
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        const events: SseEvent[] = [];
        const isStream = String(res.headers["content-type"] ?? "").startsWith("text/event-stream");
        const chunks: Buffer[] = [];
        const parser = createParser({
          onEvent: (event) =>
            events.push({
              event: event.event ?? "message",
              data: event.data,
              at: performance.timeOrigin + performance.now(),
            }),
        });
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (isStream) parser.feed(chunk);
          else chunks.push(Buffer.from(chunk));
        });
        res.on("error", reject);
        res.on("end", () => {
          let json: unknown;
          if (!isStream) {
            try {
              json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, events, json, ms: performance.now() - started });
        });
      },
    );
    req.on("error", reject);
    req.write(payload);
    req.end();
  });
}

export function dataOf<T>(result: { json: unknown }): T {
  return (result.json as { data: T }).data;
}

/**
 * Waits until a spawned server answers `GET /api/health` with 2xx; fails with the server's output if it exits
 * first or is not up within 90 s.
 */
export async function waitForHealth(
  child: { exitCode: number | null },
  baseUrl: string,
  output: () => string,
): Promise<void> {
  for (let waited = 0; ; waited += 250) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${output()}`);
    const ok = await fetch(`${baseUrl}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    if (waited > 90_000) throw new Error(`the server did not start:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** One node of a V8 heap snapshot: its type (object, string, closure…), its name and its self size. */
export interface HeapNode {
  type: string;
  name: string;
  size: number;
}

/** The nodes of a `.heapsnapshot` file, read once (a snapshot of the server is tens of MB). */
export function readHeapNodes(file: string): HeapNode[] {
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const types = snapshot.snapshot.meta.node_types[0];
  const nodes: HeapNode[] = [];
  for (let i = 0; i < snapshot.nodes.length; i += width)
    nodes.push({
      type: types[snapshot.nodes[i + typeAt]!]!,
      name: snapshot.strings[snapshot.nodes[i + nameAt]!]!,
      size: snapshot.nodes[i + sizeAt]!,
    });
  return nodes;
}

/** Self size and count per key (`keyOf`), and the total self size. */
export function heapCensus(
  nodes: readonly HeapNode[],
  keyOf: (node: HeapNode) => string,
): { byKey: Map<string, { size: number; count: number }>; total: number } {
  const byKey = new Map<string, { size: number; count: number }>();
  let total = 0;
  for (const node of nodes) {
    total += node.size;
    const key = keyOf(node);
    const entry = byKey.get(key) ?? { size: 0, count: 0 };
    entry.size += node.size;
    entry.count += 1;
    byKey.set(key, entry);
  }
  return { byKey, total };
}

/**
 * bench/reference-next (the smallest Next.js app with a page, a JSON route handler and a tRPC create) built in a temporary directory with
 * `checkout`'s node_modules (hard links: no copy): the same Next.js, React, tRPC and zod as the app's.
 */
export function buildReference(checkout: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "reference-next-"));
  cpSync(path.resolve("bench/reference-next"), dir, { recursive: true });
  execFileSync("cp", ["-al", path.join(checkout, "node_modules"), path.join(dir, "node_modules")]);
  execFileSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return dir;
}
