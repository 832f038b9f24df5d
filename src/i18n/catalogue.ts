import { fileURLToPath } from "node:url";
import { I18n, TranslateWarnings } from "@grammyjs/i18n";
import { createFormatters } from "./formatters.js";
import { LOCALES, type Locale } from "./locales.js";
import type { Placeable, Translator } from "./translator.js";

/** locales/ beside src/ and dist/ alike (the image copies it beside dist/). */
export const CATALOGUE_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

/** Both languages' messages, loaded once at start-up; a translator per locale. */
export interface Catalogue {
  translator(locale: Locale): Translator;
}

export function createCatalogue(directory = CATALOGUE_DIR): Catalogue {
  const i18n = new I18n({
    defaultLocale: "en",
    // Unicode isolation marks around placeables would reach Telegram as stray characters.
    fluentBundleOptions: { useIsolating: false },
    fluentOptions: {
      warningHandler: (warning) => {
        // A message missing in every locale is a bug the catalogue test catches; never "{key}".
        if (warning.type === TranslateWarnings.MISSING_TRANSLATION)
          throw new Error(`no message "${warning.path}" in ${directory}`);
      },
    },
  });
  i18n.loadLocalesDirSync(directory);
  const translators = new Map<Locale, Translator>(
    LOCALES.map((locale) => {
      const t = (key: string, args?: Record<string, Placeable>) => i18n.t(locale, key, args);
      return [locale, { locale, t, ...createFormatters(locale, t) }];
    }),
  );
  return { translator: (locale) => translators.get(locale)! };
}

/** One locale's translator from the shipped catalogues (tests). */
export function createTranslator(locale: Locale): Translator {
  return createCatalogue().translator(locale);
}
