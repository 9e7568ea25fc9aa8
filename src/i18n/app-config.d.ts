import type messages from "../../messages/en.json";
import type { Locale } from "./locales";

// Keys and arguments of every `t(...)` are checked against the English catalogue at compile time; the other
// catalogues are checked against it by tests/i18n-catalogues.test.ts.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof messages;
  }
}
