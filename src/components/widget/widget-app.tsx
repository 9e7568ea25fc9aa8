"use client";

import { useTranslations } from "next-intl";
import { lazy, Suspense, useCallback, useState, type CSSProperties } from "react";
import { ConnectionNotice } from "./connection-notice";
import { textColourOn, type WidgetOptions } from "./options";
import { usePageContext } from "./use-page-context";
import { useVisitor } from "./use-visitor";
import { LIST_ID, WidgetHeader } from "./widget-header";

// The chat itself (conversation, composer, list, handoff) is rendered only once the visitor is known, never on
// the server: a separate chunk, fetched as soon as this module runs in the browser, while the visitor is being
// created or restored. Until both are there, the starting view shows.
const loadChatView = () => import("./chat-view");
if (typeof window !== "undefined") void loadChatView();
const ChatView = lazy(() => loadChatView().then((module) => ({ default: module.ChatView })));

/** The whole widget: visitor start-up, then the chat. Works full page and inside the embed's iframe. */
export function WidgetApp({ options }: { options: WidgetOptions }) {
  const visitor = useVisitor(options.embed);
  usePageContext(
    visitor.status === "ready" ? visitor.visitorId : "",
    visitor.status === "ready" ? visitor.host : null,
  );
  // The visitor's id is shown on the root (what the page's scripts and the tests wait for) once the chat is on
  // screen, not while its chunk is still loading.
  const [shown, setShown] = useState(false);
  const onShown = useCallback(() => setShown(true), []);
  const style = {
    "--vc-accent": options.accent,
    "--vc-on-accent": textColourOn(options.accent),
  } as CSSProperties;

  return (
    <div
      className="vc-widget"
      data-embed={options.embed || undefined}
      data-visitor-id={visitor.status === "ready" && shown ? visitor.visitorId : undefined}
      style={style}
    >
      {visitor.status === "ready" ? (
        <Suspense
          fallback={
            <Starting
              title={options.title}
              subtitle={options.subtitle}
              retrying={false}
              onRetryNow={() => undefined}
            />
          }
        >
          <ChatView
            key={visitor.visitorId}
            options={options}
            visitorId={visitor.visitorId}
            host={visitor.host}
            onErased={visitor.startFresh}
            onShown={onShown}
          />
        </Suspense>
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
