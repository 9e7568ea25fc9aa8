/**
 * A customer's website on another origin (127.0.0.1:3211) than the app (localhost:3210): one page that embeds
 * the widget with the script tag from docs/widget.md, plus buttons using the JS API.
 */
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { E2E_IDENTITY_SECRET } from "./identity";

const port = Number(process.env.E2E_HOST_PORT ?? 3211);
const app = process.env.E2E_APP_ORIGIN ?? "http://localhost:3210";

/**
 * The page; `/account?user=<id>` is the same page for a signed-in user: its server computes user_hash (HMAC-SHA256
 * of the user id with IDENTITY_SECRET) and the page calls VisitorChat.identify() once the script is loaded.
 */
const pageFor = (user: string | null) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Host page on another origin</title>
  <link rel="icon" href="data:,">
  <style>body{font-family:system-ui,sans-serif;margin:40px;line-height:1.5}</style>
</head>
<body>
  <h1>Example shop</h1>
  <p>This page is served from a different origin than the chat app.</p>
  <button id="open" type="button" onclick="VisitorChat.open()">Contact us</button>
  <button id="identify" type="button" onclick="VisitorChat.identify({plan:'pro'})">Identify</button>
  <button id="pricing" type="button" onclick="history.pushState({}, '', '/pricing?plan=team#compare'); document.title = 'Pricing — Example shop'">Pricing</button>
  <script src="${app}/embed.js" async data-title="Shop help" data-accent="#0f766e"
    data-greeting="Hello from the shop! How can we help?" data-position="left"${
      user === null
        ? ""
        : ` onload='VisitorChat.identify(${JSON.stringify({
            user_id: user,
            user_hash: createHmac("sha256", E2E_IDENTITY_SECRET).update(user).digest("hex"),
            name: "Signed-in shopper",
          }).replace(/'/g, "&#39;")})'`
    }></script>
</body>
</html>`;

createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://host.test");
  if (url.pathname === "/" || url.pathname === "/account") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(pageFor(url.pathname === "/account" ? (url.searchParams.get("user") ?? "") : null));
    return;
  }
  response.writeHead(404).end();
}).listen(port, "127.0.0.1", () => console.log(`host page on http://127.0.0.1:${port}/`));
