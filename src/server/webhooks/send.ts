import http from "node:http";
import https from "node:https";
import { checkWebhookUrl, guardedLookup, NonPublicAddressError, type Resolver } from "./url-guard";

/** How much of a response body is kept (shown in the admin). */
export const RESPONSE_EXCERPT_CHARS = 1_000;

export interface SendResult {
  /** The HTTP status, or null when no response came. */
  status: number | null;
  /** The start of the response body. */
  body: string;
  /** Why no response came (timeout, connection refused, SSRF refusal …). */
  error: string | null;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  resolve?: Resolver;
}

/**
 * POSTs one webhook. Redirects are not followed (a 3xx is a failed attempt); the whole attempt (connect,
 * response, body) is bounded by `timeoutMs`. Unless private addresses are allowed, the address connected to is
 * checked (a literal IP in the URL before connecting, a name by the request's own DNS lookup).
 */
export async function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: SendOptions,
): Promise<SendResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { status: null, body: "", error: "invalid URL" };
  }
  if (!options.allowPrivate) {
    const check = await checkWebhookUrl(url, { allowPrivate: false, resolve: options.resolve });
    if (!check.ok && check.reason === "non_public")
      return { status: null, body: "", error: new NonPublicAddressError(check.host, check.address).message };
  }
  const transport = target.protocol === "https:" ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const done = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = transport.request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        ...(!options.allowPrivate && { lookup: guardedLookup(options.resolve) as never }),
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (text.length < RESPONSE_EXCERPT_CHARS) text += chunk;
          if (text.length >= RESPONSE_EXCERPT_CHARS) {
            response.destroy();
            done({
              status: response.statusCode ?? null,
              body: text.slice(0, RESPONSE_EXCERPT_CHARS),
              error: null,
            });
          }
        });
        response.on("end", () => done({ status: response.statusCode ?? null, body: text, error: null }));
        response.on("error", () => done({ status: response.statusCode ?? null, body: text, error: null }));
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      done({ status: null, body: "", error: `no answer within ${options.timeoutMs} ms (timed out)` });
    }, options.timeoutMs);
    request.on("error", (error) => done({ status: null, body: "", error: error.message }));
    request.end(body);
  });
}
