"use client";

import { useEffect } from "react";
import { useTRPCClient } from "~/trpc/react";
import type { HostBridge } from "./host-bridge";

/** The bounds the server keeps (visitors.context): a longer url or title is cut here, not refused there. */
const URL_MAX = 2048;
const TITLE_MAX = 300;

function browserFacts() {
  let timeZone: string | undefined;
  try {
    timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    timeZone = undefined;
  }
  return {
    language: navigator.language || undefined,
    time_zone: timeZone,
    // getTimezoneOffset is minutes west of UTC; the API counts east positive.
    utc_offset_minutes: -new Date().getTimezoneOffset(),
  };
}

const isWebUrl = (url: string | null): url is string =>
  !!url && /^https?:\/\//i.test(url) && url.length <= URL_MAX;

/**
 * Reports the host page the visitor is on (the visitor's context for the team): once when the chat starts, then
 * on each navigation embed.js announces (it sends one `page` message per navigation; a repeat of the same url is
 * not sent again). Only inside a host page: the full-page widget has no host page to report. Never in the way of
 * the chat: a refused or failed report is dropped.
 */
export function usePageContext(visitorId: string, host: HostBridge | null): void {
  const client = useTRPCClient();
  useEffect(() => {
    if (!host) return;
    let last: string | null = null;
    let first = true;
    function report(pageUrl: string | null, pageTitle: string | null) {
      if (!isWebUrl(pageUrl) || pageUrl === last) return;
      last = pageUrl;
      const referrer = first && isWebUrl(host!.init.referrer) ? host!.init.referrer : undefined;
      first = false;
      void client.visitors.context
        .mutate({
          id: visitorId,
          visitor_id: visitorId,
          page_url: pageUrl,
          ...(pageTitle && { page_title: pageTitle.slice(0, TITLE_MAX) }),
          ...(referrer && { referrer }),
          ...browserFacts(),
        })
        .catch(() => undefined);
    }
    report(host.init.pageUrl, host.init.pageTitle);
    return host.listen((message) => {
      if (message.type === "page") report(message.pageUrl, message.pageTitle);
    });
  }, [client, host, visitorId]);
}
