"use client";

import { useState, type FormEvent } from "react";
import type { useHandoff } from "./use-handoff";

type Handoff = ReturnType<typeof useHandoff>;

/**
 * Above the composer: "Talk to a person", then where the request stands — waiting, the agent's name (and
 * "typing…"), or nobody available with a form to leave an email.
 */
export function HandoffBar({ handoff }: { handoff: Handoff }) {
  const [email, setEmail] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    if (email.trim()) handoff.saveEmail(email.trim());
  }
  return (
    <div className="vc-handoff" data-status={handoff.status} aria-live="polite">
      {handoff.status === "none" && (
        <button
          type="button"
          className="vc-link-button"
          onClick={() => void handoff.askForPerson()}
          disabled={handoff.requesting}
        >
          Talk to a person
        </button>
      )}
      {handoff.status === "waiting" && <p>Waiting for a person from our team to join…</p>}
      {handoff.status === "agent" && (
        <p>
          You are chatting with <strong>{handoff.agentName ?? "our team"}</strong>
          {handoff.agentTyping && (
            <span className="vc-agent-typing"> — {handoff.agentName ?? "Agent"} is typing…</span>
          )}
        </p>
      )}
      {handoff.status === "unavailable" &&
        (handoff.emailSaved ? (
          <p>Thanks! We will answer by email as soon as someone is back.</p>
        ) : (
          <form onSubmit={submit}>
            <p>
              No one from our team is available right now. Leave your email and we will get back to you, or{" "}
              <button
                type="button"
                className="vc-link-button"
                onClick={() => void handoff.askForPerson()}
                disabled={handoff.requesting}
              >
                ask again
              </button>
              :
            </p>
            <input
              type="email"
              required
              aria-label="Your email address"
              placeholder="you@example.com"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <button type="submit">Send</button>
            {handoff.emailError && <p className="vc-note">{handoff.emailError}</p>}
          </form>
        ))}
    </div>
  );
}
