// A minimal React chat on the REST API, using the vanilla client. Usage:
//   <ReactChat baseUrl="https://chat.example.com" />
// When this page is not on the chat server's origin, the server needs CORS_ALLOWED_ORIGINS=<this page's origin>.
import { useEffect, useRef, useState } from "react";
import { VisitorChatClient } from "./visitor-chat-client.js";

export function ReactChat({ baseUrl }) {
  const client = useRef(null);
  const [ids, setIds] = useState(null); // { visitorId, sessionId } once steps 1 and 2 are done
  const [messages, setMessages] = useState([]);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState(null);

  useEffect(() => {
    client.current = new VisitorChatClient({ baseUrl, storage: window.localStorage });
    (async () => {
      const visitorId = await client.current.ensureVisitor({ locale: navigator.language }); // STEP 1
      const session = await client.current.createSession(visitorId); // STEP 2
      setIds({ visitorId, sessionId: session.id });
    })().catch((caught) => setError(caught.message));
  }, [baseUrl]);

  async function send(event) {
    event.preventDefault();
    const text = draft.trim();
    if (!text || !ids) return;
    setDraft("");
    setMessages((list) => [...list, { role: "user", content: text }, { role: "assistant", content: "" }]);
    try {
      // STEP 3, streamed: grow the last message as deltas arrive.
      await client.current.chatStream(ids.visitorId, ids.sessionId, text, (delta) =>
        setMessages((list) => [
          ...list.slice(0, -1),
          { role: "assistant", content: list.at(-1).content + delta },
        ]),
      );
    } catch (caught) {
      setError(caught.message); // e.g. "Invalid input: message must be at most 4000 characters"
    }
  }

  return (
    <section aria-label="Chat">
      <ol aria-live="polite">
        {messages.map((message, index) => (
          <li key={index} data-role={message.role}>
            {message.content}
          </li>
        ))}
      </ol>
      {error && <p role="alert">{error}</p>}
      <form onSubmit={send}>
        <label>
          Message
          <input value={draft} onChange={(event) => setDraft(event.target.value)} disabled={!ids} />
        </label>
        <button type="submit" disabled={!ids}>
          Send
        </button>
      </form>
    </section>
  );
}
