"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent, type ReactNode } from "react";
import type { useHandoff } from "./use-handoff";

type Handoff = ReturnType<typeof useHandoff>;

/**
 * Above the composer: "Talk to a person", then where the request stands — waiting, the agent's name (and
 * "typing…"), or nobody available with a form to leave an email.
 */
export function HandoffBar({ handoff }: { handoff: Handoff }) {
  const t = useTranslations("Widget.handoff");
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
          <EmailForm
            intro={t.rich("unavailable", {
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
            submitLabel={t("send")}
            onEmail={handoff.saveEmail}
          >
            {handoff.emailError && <p className="vc-note">{handoff.emailError}</p>}
          </EmailForm>
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
        <EmailForm
          intro={t("needEmail")}
          submitLabel={t("save")}
          pending={handoff.transcriptPending}
          onEmail={(email) => handoff.requestTranscript(true, email)}
        />
      )}
      {handoff.transcriptRequested && <p className="vc-note">{t("requested")}</p>}
      {handoff.transcriptError && <p className="vc-note">{handoff.transcriptError}</p>}
    </div>
  );
}

/** The styled form where a visitor leaves an email address: what it is for, the field, the button. */
function EmailForm(props: {
  intro: ReactNode;
  submitLabel: string;
  pending?: boolean;
  /** The address given, trimmed (never empty). */
  onEmail: (email: string) => void;
  /** Shown after the button (e.g. why the last attempt failed). */
  children?: ReactNode;
}) {
  const t = useTranslations("Widget.handoff");
  const [email, setEmail] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    if (email.trim()) props.onEmail(email.trim());
  }
  return (
    <form className="vc-email-form" onSubmit={submit}>
      <p>{props.intro}</p>
      <input
        className="vc-email-input"
        type="email"
        required
        aria-label={t("emailLabel")}
        placeholder={t("emailPlaceholder")}
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <button type="submit" className="vc-email-send" disabled={props.pending}>
        {props.submitLabel}
      </button>
      {props.children}
    </form>
  );
}
