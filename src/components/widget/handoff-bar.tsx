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
    </div>
  );
}
