import { headers } from "next/headers";
import { DemoControls } from "~/components/demo/DemoControls";
import "./demo.css";

/** This request's CSP script nonce (src/proxy.ts): without it the page's own policy blocks embed.js. */
async function scriptNonce(): Promise<string | undefined> {
  const csp = (await headers()).get("content-security-policy") ?? "";
  return /'nonce-([^']+)'/.exec(csp)?.[1];
}

/**
 * A demo host page: a make-believe customer website that embeds the chat exactly as a customer would, with one
 * script tag (see docs/widget.md). The launcher appears in the bottom corner.
 */
export default async function DemoHostPage() {
  const nonce = await scriptNonce();
  return (
    <main className="demo">
      <p className="demo-eyebrow">Demo host page</p>
      <h1>Acme Cloud Hosting</h1>
      <p className="demo-lead">
        This page stands in for your website. It embeds the visitor chat with one script tag; the launcher
        bubble in the corner opens it. Try asking <em>“How do I embed the widget?”</em>
      </p>
      <DemoControls />
      <h2>The embed code on this page</h2>
      <pre>
        <code>{`<script src="/embed.js" async
  data-title="Acme support"
  data-accent="#4f46e5"
  data-greeting="Hi! Ask us anything about Acme Cloud."
  data-position="right"></script>`}</code>
      </pre>
      <p>
        The widget on its own: <a href="/widget">/widget</a>. How to embed it and the JavaScript API:{" "}
        <code>docs/widget.md</code>.
      </p>
      <script
        src="/embed.js"
        async
        nonce={nonce}
        data-title="Acme support"
        data-accent="#4f46e5"
        data-greeting="Hi! Ask us anything about Acme Cloud."
        data-position="right"
      />
    </main>
  );
}
