"use client";

import { useTranslations } from "next-intl";
import type { CSSProperties } from "react";
import { ChatView, LIST_ID } from "./chat-view";
import { ConnectionNotice } from "./connection-notice";
import { textColourOn, type WidgetOptions } from "./options";
import { useVisitor } from "./use-visitor";
import { WidgetHeader } from "./widget-header";

/** The whole widget: visitor start-up, then the chat. Works full page and inside the embed's iframe. */
export function WidgetApp({ options }: { options: WidgetOptions }) {
  const visitor = useVisitor(options.embed);
  const style = {
    "--vc-accent": options.accent,
    "--vc-on-accent": textColourOn(options.accent),
  } as CSSProperties;

  return (
    <div
      className="vc-widget"
      data-embed={options.embed || undefined}
      data-visitor-id={visitor.status === "ready" ? visitor.visitorId : undefined}
      style={style}
    >
      {visitor.status === "ready" ? (
        <ChatView
          key={visitor.visitorId}
          options={options}
          visitorId={visitor.visitorId}
          host={visitor.host}
          onErased={visitor.startFresh}
        />
      ) : (
        <Starting
          title={options.title}
          subtitle={options.subtitle}
          retrying={visitor.retrying}
          onRetryNow={visitor.retryNow}
        />
      )}
    </div>
  );
}

/** While the visitor is being created or restored: the header, and the connection notice if it is slow. */
function Starting({
  title,
  subtitle,
  retrying,
  onRetryNow,
}: {
  title: string;
  subtitle: string;
  retrying: boolean;
  onRetryNow: () => void;
}) {
  const t = useTranslations("Widget");
  return (
    <>
      <WidgetHeader title={title} subtitle={subtitle} listOpen={false} listId={LIST_ID} />
      <ConnectionNotice retrying={retrying} onRetryNow={onRetryNow} />
      <div className="vc-starting" aria-busy="true">
        <span className="vc-typing" role="img" aria-label={t("starting")}>
          <span />
          <span />
          <span />
        </span>
      </div>
    </>
  );
}
