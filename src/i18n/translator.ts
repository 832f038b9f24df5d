import type { Locale } from "./locales.js";

/** A value a message is given: strings as they are (escape HTML first), numbers choose plurals. */
export type Placeable = string | number | Date;

/** Everything a renderer needs to speak one language. */
export interface Translator {
  readonly locale: Locale;
  /** The catalogue's message `key`; numbers are written and pluralised by the locale's rules. */
  t(key: string, args?: Record<string, Placeable>): string;
  /** "2h 13m" / "2 ч 13 мин": seconds, minutes, hours and minutes, days and hours. */
  duration(ms: number): string;
  /** "13m ago" / "in 5m" relative to now; "never" for a missing time. */
  age(at: Date | null | undefined, now: Date): string;
  /** The locale's separators: "1,234.5" / "1 234,5". */
  number(n: number, fractionDigits?: number): string;
  /** The time of day, "07:05", in UTC or another zone by its name. */
  time(at: Date, timeZone?: string): string;
  /** To the minute: "2030-06-01 07:05 UTC" / "01.06.2030 07:05 UTC"; another zone by its name. */
  dateTime(at: Date, timeZone?: string): string;
  /** "512 B", "1.5 MB" / "512 Б", "1,5 МБ". */
  bytes(n: number): string;
}
