import type { Catalogue } from "./catalogue.js";
import { localeOfLanguageCode, type Locale } from "./locales.js";
import type { Translator } from "./translator.js";

/** What is stored of a person's language. */
export interface LanguageChoice {
  /** Their /language choice; null: auto (their Telegram language_code). */
  locale: Locale | null;
  /** The Telegram language_code last seen on their updates. */
  languageCode: string | null;
}

/** Where choices are kept (src/db/language-choices.ts). */
export interface LanguageChoices {
  read(userId: number): Promise<LanguageChoice | undefined>;
  choose(userId: number, locale: Locale | null): Promise<void>;
  see(userId: number, languageCode: string): Promise<void>;
}

/** An update's sender, as Telegram describes them. */
export interface Sender {
  id: number;
  language_code?: string;
}

/** Who reads in which language: groups in BOT_LOCALE, a person in their own. */
export interface Languages {
  /** BOT_LOCALE's: what is posted in groups (alerts, digests, handovers, action progress). */
  readonly group: Translator;
  translator(locale: Locale): Translator;
  /** A Telegram language_code's when opsbot speaks it, else BOT_LOCALE's. */
  ofLanguageCode(code: string | undefined): Translator;
  /**
   * An update's sender: their /language choice, else the update's language_code, else
   * BOT_LOCALE. `remember`: store their language_code when it changed, for of(). Never
   * rejects: without the database it is the language_code's.
   */
  ofSender(sender: Sender, options: { remember: boolean }): Promise<Translator>;
  /**
   * A person with no update at hand (private pages): their choice, else the language_code
   * last seen, else BOT_LOCALE. Never rejects: without the database it is BOT_LOCALE's.
   */
  of(userId: number): Promise<Translator>;
  /** /language: a locale, or null to follow the language_code again. */
  choose(userId: number, locale: Locale | null): Promise<void>;
}

export interface PeopleLanguages {
  choices: LanguageChoices;
  /** A failed read or write: the caller goes on in a fallback language. */
  onError(error: unknown, what: string): void;
  /** How long a read may take before the fallback answers instead (default READ_PATIENCE_MS). */
  readPatienceMs?: number;
}

/**
 * A hung database (connections accepted, nothing answered) must not hold every answer for
 * the pool's connect timeout: past this, the fallback language answers.
 */
export const READ_PATIENCE_MS = 500;

/** The read, or a rejection once `ms` have passed without it. */
function withPatience<T>(read: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const impatience = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([read, impatience]).finally(() => clearTimeout(timer));
}

/**
 * Without `people` (no database: tools, renderer tests) nobody's choice is stored: a person
 * reads their language_code's language, of() gives BOT_LOCALE's.
 */
export function createLanguages(
  catalogue: Catalogue,
  botLocale: Locale,
  people?: PeopleLanguages,
): Languages {
  const group = catalogue.translator(botLocale);
  const ofLanguageCode = (code: string | null | undefined) =>
    catalogue.translator(localeOfLanguageCode(code ?? undefined) ?? botLocale);

  async function read(userId: number, fallback: () => Translator) {
    try {
      if (!people) return { choice: undefined };
      const patience = people.readPatienceMs ?? READ_PATIENCE_MS;
      return { choice: await withPatience(people.choices.read(userId), patience) };
    } catch (error) {
      people?.onError(error, "read");
      return { failed: fallback() };
    }
  }

  return {
    group,
    translator: (locale) => catalogue.translator(locale),
    ofLanguageCode,
    async ofSender(sender, { remember }) {
      const code = sender.language_code;
      const { choice, failed } = await read(sender.id, () => ofLanguageCode(code));
      if (failed) return failed;
      if (people && remember && code !== undefined && choice?.languageCode !== code) {
        await people.choices.see(sender.id, code).catch((e: unknown) => people.onError(e, "write"));
      }
      return choice?.locale ? catalogue.translator(choice.locale) : ofLanguageCode(code);
    },
    async of(userId) {
      const { choice, failed } = await read(userId, () => group);
      if (failed) return failed;
      if (choice?.locale) return catalogue.translator(choice.locale);
      return ofLanguageCode(choice?.languageCode);
    },
    async choose(userId, locale) {
      if (!people) throw new Error("language choices need the database");
      await people.choices.choose(userId, locale);
    },
  };
}
