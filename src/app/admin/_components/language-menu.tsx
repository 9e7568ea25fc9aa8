"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useId } from "react";
import { isLocale, LOCALE_COOKIE, LOCALES, type Locale } from "~/i18n/locales";

/** Each language by its own name: an admin finds theirs whatever language the page is in. */
const LANGUAGE_NAMES: Record<Locale, string> = {
  en: "English",
  de: "Deutsch",
  fr: "Français",
  es: "Español",
  ar: "العربية",
};

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * The admin pages' language: kept in a cookie for the admin pages (the proxy reads it before Accept-Language,
 * src/i18n/locales.ts `pageLocale`), then the page is rendered again in the new language.
 */
export function LanguageMenu({ className }: { className?: string }) {
  const t = useTranslations("AdminLanguage");
  const locale = useLocale();
  const router = useRouter();
  const id = useId();
  return (
    <span className={className ? `language-menu ${className}` : "language-menu"}>
      <label htmlFor={id}>{t("label")}</label>
      <select
        id={id}
        value={locale}
        onChange={(event) => {
          const chosen = event.currentTarget.value;
          if (!isLocale(chosen)) return;
          document.cookie = `${LOCALE_COOKIE}=${chosen}; path=/admin; max-age=${ONE_YEAR_SECONDS}; SameSite=Lax`;
          router.refresh();
        }}
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LANGUAGE_NAMES[code]}
          </option>
        ))}
      </select>
    </span>
  );
}
