/** The languages opsbot speaks: its catalogues are locales/<locale>/*.ftl. */
export const LOCALES = ["en", "ru"] as const;
export type Locale = (typeof LOCALES)[number];

/** A Telegram language_code ("ru", "en-GB") as a locale opsbot speaks; undefined for others. */
export function localeOfLanguageCode(code: string | undefined): Locale | undefined {
  const primary = code?.toLowerCase().split("-")[0];
  return LOCALES.find((locale) => locale === primary);
}
