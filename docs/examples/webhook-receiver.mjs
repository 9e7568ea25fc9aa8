// A webhook receiver for Visitor Chat, for Node 20+: verifies each delivery with the `standardwebhooks` package
// (npm install standardwebhooks) and answers 2xx only once the event is handled. Run it with
//   WEBHOOK_SECRET=whsec_… node webhook-receiver.mjs
// and register http(s)://<this host>:8787/hooks/chat on /admin/webhooks (see docs/webhooks.md).
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { Webhook } from "standardwebhooks";

/**
 * The event of a delivery, after checking its signature and timestamp (at most 5 minutes old); throws if either
 * is wrong. `body` must be the raw request body, exactly as received (not re-serialized JSON).
 * @param {string} secret the endpoint's whsec_… secret
 * @param {string} body
 * @param {Record<string, string | string[] | undefined>} headers
 * @returns {{ type: string, timestamp: string, data: Record<string, unknown> }}
 */
export function verifyChatWebhook(secret, body, headers) {
  const pick = (name) => String(headers[name] ?? "");
  return /** @type {never} */ (
    new Webhook(secret).verify(body, {
      "webhook-id": pick("webhook-id"),
      "webhook-timestamp": pick("webhook-timestamp"),
      "webhook-signature": pick("webhook-signature"),
    })
  );
}

/** Delivery ids already handled: a delivery can come more than once (at-least-once), with the same webhook-id. */
const seen = new Set();

function handle(event) {
  if (event.type === "message.created" && event.data.role === "user")
    console.log(`visitor asked in session ${event.data.session_id}: ${event.data.content}`);
  else console.log(event.type, event.data.id);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const secret = process.env.WEBHOOK_SECRET ?? "";
  createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      let event;
      try {
        event = verifyChatWebhook(secret, Buffer.concat(chunks).toString("utf8"), request.headers);
      } catch {
        response.writeHead(401).end("bad signature");
        return;
      }
      const id = String(request.headers["webhook-id"]);
      if (!seen.has(id)) {
        handle(event);
        seen.add(id);
      }
      response.writeHead(204).end();
    });
  }).listen(8787);
}
