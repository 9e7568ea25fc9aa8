"use client";

import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import type { OfficeHours } from "~/server/admin/settings/widget-settings.schema";
import { describeReopening, officeHoursStatus } from "./office-hours";

/** Outside office hours: when the team is back (checked every minute; after mount, so the server render agrees). */
export function OfficeHoursNotice({ hours }: { hours: OfficeHours | null }) {
  const t = useTranslations("Widget");
  const locale = useLocale();
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    if (!hours) return;
    const check = () => {
      const now = new Date();
      const status = officeHoursStatus(hours, now);
      setText(
        status.open
          ? null
          : status.reopensAt
            ? t("officeHours.awayUntil", { when: describeReopening(status.reopensAt, now, locale, t) })
            : t("officeHours.away"),
      );
    };
    check();
    const timer = window.setInterval(check, 60_000);
    return () => window.clearInterval(timer);
  }, [hours, locale, t]);
  if (!text) return null;
  return (
    <p className="vc-away" role="status">
      {text}
    </p>
  );
}
