"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { useHandoff } from "./use-handoff";

type Handoff = ReturnType<typeof useHandoff>;

/**
 * Above the composer: "Talk to a person", then where the request stands — waiting, the agent's name (and
 * "typing…"), or nobody available with a form to leave an email.
 */
export function HandoffBar({ handoff }: { handoff: Handoff }) {
  const t = useTranslations("Widget.handoff");
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
          {t("talkToPerson")}
        </button>
      )}
      {handoff.status === "waiting" && <p>{t("waiting")}</p>}
      {handoff.status === "agent" && (
        <p>
          {t.rich("chattingWith", {
            name: handoff.agentName ?? t("ourTeam"),
            strong: (chunks) => <strong>{chunks}</strong>,
          })}
          {handoff.agentTyping && (
            <span className="vc-agent-typing">
              {" — "}
              {t("typing", { name: handoff.agentName ?? t("agent") })}
            </span>
          )}
        </p>
      )}
      {handoff.status === "unavailable" &&
        (handoff.emailSaved ? (
          <p>{t("emailThanks")}</p>
        ) : (
          <form className="vc-email-form" onSubmit={submit}>
            <p>
              {t.rich("unavailable", {
                ask: (chunks) => (
                  <button
                    type="button"
                    className="vc-link-button"
                    onClick={() => void handoff.askForPerson()}
                    disabled={handoff.requesting}
                  >
                    {chunks}
                  </button>
                ),
              })}
            </p>
            <input
              className="vc-email-input"
              type="email"
              required
              aria-label={t("emailLabel")}
              placeholder={t("emailPlaceholder")}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <button type="submit" className="vc-email-send">
              {t("send")}
            </button>
            {handoff.emailError && <p className="vc-note">{handoff.emailError}</p>}
          </form>
        ))}
      {(handoff.status === "waiting" ||
        handoff.status === "agent" ||
        (handoff.status === "unavailable" && handoff.emailSaved)) && <TranscriptRequest handoff={handoff} />}
    </div>
  );
}

/**
 * "Email me a transcript when the conversation closes": a checkbox, and the styled email form when the visitor
 * has left no address yet (the server says so).
 */
function TranscriptRequest({ handoff }: { handoff: Handoff }) {
  const t = useTranslations("Widget.transcript");
  const th = useTranslations("Widget.handoff");
  const [email, setEmail] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    if (email.trim()) handoff.requestTranscript(true, email.trim());
  }
  return (
    <div className="vc-transcript" data-testid="transcript-request">
      <label className="vc-transcript-check">
        <input
          type="checkbox"
          checked={handoff.transcriptRequested}
          disabled={handoff.transcriptPending}
          onChange={(event) => handoff.requestTranscript(event.target.checked)}
        />{" "}
        {t("label")}
      </label>
      {handoff.transcriptNeedsEmail && !handoff.transcriptRequested && (
        <form className="vc-email-form" onSubmit={submit}>
          <p>{t("needEmail")}</p>
          <input
            className="vc-email-input"
            type="email"
            required
            aria-label={th("emailLabel")}
            placeholder={th("emailPlaceholder")}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <button type="submit" className="vc-email-send" disabled={handoff.transcriptPending}>
            {t("save")}
          </button>
        </form>
      )}
      {handoff.transcriptRequested && <p className="vc-note">{t("requested")}</p>}
      {handoff.transcriptError && <p className="vc-note">{handoff.transcriptError}</p>}
    </div>
  );
}
