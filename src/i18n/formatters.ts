import type { Locale } from "./locales.js";
import type { Placeable, Translator } from "./translator.js";

type Formatters = Omit<Translator, "locale" | "t">;
type Translate = (key: string, args?: Record<string, Placeable>) => string;

const BYTE_UNITS = ["size-kb", "size-mb", "size-gb", "size-tb"] as const;

/** Durations, ages, numbers, times and sizes in the locale: words from the catalogue, digits from Intl. */
export function createFormatters(locale: Locale, t: Translate): Formatters {
  const numberFormats = new Map<number, Intl.NumberFormat>();
  const number = (n: number, fractionDigits = 0) => {
    let format = numberFormats.get(fractionDigits);
    if (!format) {
      format = new Intl.NumberFormat(locale, {
        minimumFractionDigits: fractionDigits,
        maximumFractionDigits: fractionDigits,
      });
      numberFormats.set(fractionDigits, format);
    }
    return format.format(n);
  };

  const duration = (ms: number) => {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    if (seconds < 60) return t("duration-seconds", { s: seconds });
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return t("duration-minutes", { m: minutes });
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return t("duration-hours", { h: hours, m: minutes % 60 });
    return t("duration-days", { d: Math.floor(hours / 24), h: hours % 24 });
  };

  const age = (at: Date | null | undefined, now: Date) => {
    if (at === null || at === undefined) return t("age-never");
    const delta = now.getTime() - at.getTime();
    return delta >= 0
      ? t("age-ago", { duration: duration(delta) })
      : t("age-in", { duration: duration(-delta) });
  };

  // Building a DateTimeFormat costs about a millisecond: a digest of hundreds of times reuses one.
  const dateFormats = new Map<string, Intl.DateTimeFormat>();
  const dateFormatIn = (timeZone: string) => {
    let format = dateFormats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat("en-GB", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
      dateFormats.set(timeZone, format);
    }
    return format;
  };

  const partsIn = (at: Date, timeZone: string) => {
    const parts = dateFormatIn(timeZone).formatToParts(at);
    return (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  };

  const clockOf = (part: ReturnType<typeof partsIn>) => `${part("hour")}:${part("minute")}`;

  const time = (at: Date, timeZone = "UTC") => clockOf(partsIn(at, timeZone));

  const dateTime = (at: Date, timeZone = "UTC") => {
    const part = partsIn(at, timeZone);
    return t("date-time", {
      year: part("year"),
      month: part("month"),
      day: part("day"),
      time: clockOf(part),
      zone: timeZone,
    });
  };

  const bytes = (n: number) => {
    if (n < 1024) return t("size-b", { n: number(n) });
    let value = n / 1024;
    let unit = 0;
    while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return t(BYTE_UNITS[unit]!, { n: number(value, 1) });
  };

  return { duration, age, number, time, dateTime, bytes };
}
