/**
 * Hostile input for the knowledge import (issue 23), shared by the tests and bench/import-health.ts: a page of
 * nested elements, a PDF whose content stream inflates to hundreds of MB, and a site whose robots.txt has a
 * pattern that backtracking matchers take exponential time on, with a sitemap of long `/aaaa…` paths.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createDeflate } from "node:zlib";

export const REDOS_RULE = "/*a*a*a*a*a*a*a*a*a*a*b";

export function deepHtml(depth: number): string {
  return `<!doctype html><html><head><title>Deep</title></head><body>${"<div>".repeat(depth)}<p>deep text</p>${"</div>".repeat(depth)}</body></html>`;
}

/** A one-page PDF whose content stream (FlateDecode) inflates to `inflatedMb` MB of spaces. */
export async function pdfBomb(inflatedMb: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => deflate.on("end", resolve));
  const block = Buffer.alloc(1024 * 1024, 0x20);
  for (let index = 0; index < inflatedMb; index += 1)
    if (!deflate.write(block)) await new Promise((resolve) => deflate.once("drain", resolve));
  deflate.end();
  await done;
  const stream = Buffer.concat(chunks);
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const add = (buffer: Buffer) => {
    parts.push(buffer);
    length += buffer.length;
  };
  add(Buffer.from("%PDF-1.4\n"));
  [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
  ].forEach((body, index) => {
    offsets.push(length);
    add(Buffer.from(`${index + 1} 0 obj\n${body}\nendobj\n`));
  });
  offsets.push(length);
  add(Buffer.from(`4 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`));
  add(stream);
  add(Buffer.from("\nendstream\nendobj\n"));
  const xref = length;
  const entries = offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  add(
    Buffer.from(
      `xref\n0 5\n0000000000 65535 f \n${entries}trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(parts);
}

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface Site {
  port: number;
  origin: string;
  /** Paths requested so far, in order (with their query). */
  requested: string[];
  /** Resolves when `path` (without query) has been requested. */
  requestedPath(path: string): Promise<void>;
  close(): Promise<void>;
}

/** A small site on 127.0.0.1 answering `routes` by path (404 otherwise). */
export async function startSite(routes: Record<string, Route>): Promise<Site> {
  const requested: string[] = [];
  const waiting = new Map<string, (() => void)[]>();
  const server: Server = createServer((request, response) => {
    const url = request.url ?? "/";
    requested.push(url);
    const path = new URL(url, "http://site").pathname;
    for (const resolve of waiting.get(path) ?? []) resolve();
    waiting.delete(path);
    const route = routes[path];
    if (!route) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    route(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requested,
    requestedPath: (path) =>
      requested.some((url) => new URL(url, "http://site").pathname === path)
        ? Promise.resolve()
        : new Promise((resolve) => waiting.set(path, [...(waiting.get(path) ?? []), resolve])),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const htmlPage =
  (title: string, text: string): Route =>
  (_request, response) =>
    response
      .writeHead(200, { "content-type": "text/html" })
      .end(
        `<html><head><title>${title}</title></head><body><article><h1>${title}</h1><p>${text}</p></article></body></html>`,
      );

/** A sitemap of `/first` then `count` long `/aaaa…` paths (40–44 characters) on `origin`. */
export function redosSitemap(origin: string, first: string, count: number): string {
  return (
    `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` +
    `<url><loc>${origin}${first}</loc></url>` +
    Array.from(
      { length: count },
      (_, index) => `<url><loc>${origin}/${"a".repeat(40 + (index % 5))}${index}</loc></url>`,
    ).join("") +
    `</urlset>`
  );
}
