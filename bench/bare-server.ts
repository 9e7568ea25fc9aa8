/**
 * The baseline for bench/throughput.ts: a bare node:http server doing what `POST /api/chats/visitors/` does at
 * its core — read the JSON body, insert the visitor with the same Prisma client set-up, answer the envelope.
 * No framework, no validation library, no routing.
 *
 *   DATABASE_URL=… PORT=… npx tsx bench/bare-server.ts
 */
import http from "node:http";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import { openDatabase } from "~/server/db/client";

async function main(): Promise<void> {
  const database = await openDatabase(process.env.DATABASE_URL ?? "");
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        try {
          if (req.method !== "POST" || !req.url?.startsWith("/visitors")) {
            res.writeHead(404).end();
            return;
          }
          const text = Buffer.concat(chunks).toString("utf8");
          const body = (text ? JSON.parse(text) : {}) as { metadata?: Prisma.InputJsonObject };
          const row = await database.db.visitor.create({ data: { metadata: body.metadata ?? {} } });
          const payload = JSON.stringify({
            success: true,
            message: "Visitor created.",
            data: {
              id: row.id,
              created_at: row.created_at.toISOString(),
              last_seen_at: row.last_seen_at.toISOString(),
              metadata: row.metadata,
            },
          });
          res.writeHead(201, { "content-type": "application/json" }).end(payload);
        } catch (error) {
          console.error(error);
          res.writeHead(500).end();
        }
      })();
    });
  });
  server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
  process.on("SIGTERM", () => server.close(() => void database.close().then(() => process.exit(0))));
}

void main();
