import type { Catalogue } from "./catalogue.js";
import { localeOfLanguageCode, type Locale } from "./locales.js";
import type { Translator } from "./translator.js";

/** Who reads in which language: groups in BOT_LOCALE, a person in their own. */
export interface Languages {
  /** BOT_LOCALE's: what is posted in groups (alerts, digests, handovers, action progress). */
  readonly group: Translator;
  /** A sender's: their Telegram language_code when opsbot speaks it, else BOT_LOCALE. */
  ofLanguageCode(code: string | undefined): Translator;
  translator(locale: Locale): Translator;
}

export function createLanguages(catalogue: Catalogue, botLocale: Locale): Languages {
  const group = catalogue.translator(botLocale);
  return {
    group,
    ofLanguageCode: (code) => catalogue.translator(localeOfLanguageCode(code) ?? botLocale),
    translator: (locale) => catalogue.translator(locale),
  };
}
