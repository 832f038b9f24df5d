import type { Clock } from "../clock.js";
import type { LanguageChoice, LanguageChoices } from "../i18n/languages.js";
import { LOCALES, type Locale } from "../i18n/locales.js";
import type { Pool } from "./pool.js";

const isLocale = (value: unknown): value is Locale => LOCALES.some((locale) => locale === value);

/** opsbot.language_choices: a person's /language choice and their last seen language_code. */
export function createLanguageChoices(pool: Pool, clock: Clock): LanguageChoices {
  return {
    async read(userId) {
      // By primary key: one index probe of one narrow row.
      const { rows } = await pool.query<{ locale: string | null; language_code: string | null }>(
        `SELECT locale, language_code FROM opsbot.language_choices WHERE user_id = $1`,
        [userId],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        locale: isLocale(row.locale) ? row.locale : null,
        languageCode: row.language_code,
      } satisfies LanguageChoice;
    },
    async choose(userId, locale) {
      await pool.query(
        `INSERT INTO opsbot.language_choices (user_id, locale, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET locale = EXCLUDED.locale, updated_at = EXCLUDED.updated_at`,
        [userId, locale, clock.now()],
      );
    },
    async see(userId, languageCode) {
      await pool.query(
        `INSERT INTO opsbot.language_choices (user_id, language_code, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE
           SET language_code = EXCLUDED.language_code, updated_at = EXCLUDED.updated_at`,
        [userId, languageCode, clock.now()],
      );
    },
  };
}
