"use client";

import { visitorChat } from "./visitor-chat-api";

/** Buttons of the demo host page, calling the embed's JS API the way a customer's page would. */
export function DemoControls() {
  return (
    <div className="demo-actions">
      <button type="button" className="demo-primary" onClick={() => visitorChat()?.open()}>
        Chat with us
      </button>
      <button type="button" onClick={() => visitorChat()?.toggle()}>
        Toggle chat
      </button>
      <button type="button" onClick={() => visitorChat()?.identify({ plan: "pro", account: "demo-1234" })}>
        identify(&#123; plan: &quot;pro&quot; &#125;)
      </button>
    </div>
  );
}
