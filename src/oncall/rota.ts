/**
 * The rota's arithmetic, pure: who is on call at an instant, from when until when, and who
 * comes next. No database, no bot: the sentinel (another process, no PostgreSQL) calls
 * shiftAt to know whom to page. Handovers happen at a local wall-clock time in an IANA zone
 * and stay exact across daylight-saving changes: a handover time that does not exist that
 * day (spring forward) happens at the first instant after the gap; one that occurs twice
 * (fall back) happens once, at its first occurrence.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** ONCALL_SHIFT: a handover every day, or every week on one day, at a local time. */
export type ShiftSpec =
  | { every: "daily"; hour: number; minute: number }
  | { every: "weekly"; day: Weekday; hour: number; minute: number };

export interface Shift {
  /** The Telegram user id on call. */
  person: number;
  /** The handover that started this shift. */
  since: Date;
  /** The next handover. */
  until: Date;
  /** Who takes over at `until`. */
  next: number;
}

const DAY_MS = 86_400_000;

/** The shift of the rota at `at`; the rota must not be empty. */
export function shiftAt(rota: readonly number[], shift: ShiftSpec, tz: string, at: Date): Shift {
  if (rota.length === 0) throw new Error("shiftAt: the rota is empty");
  const period = shift.every === "daily" ? 1 : 7;
  // The latest handover day on or before at's local date, then back one period if its
  // handover is still to come.
  let day = dayNumber(localParts(at, tz));
  if (shift.every === "weekly") {
    day -= mod(weekdayOf(day) - WEEKDAYS.indexOf(shift.day), 7);
  }
  if (handoverOn(day, shift, tz).getTime() > at.getTime()) day -= period;
  const index = Math.floor(day / period);
  return {
    person: rota[mod(index, rota.length)]!,
    since: handoverOn(day, shift, tz),
    until: handoverOn(day + period, shift, tz),
    next: rota[mod(index + 1, rota.length)]!,
  };
}

/** Whether the zone is one Intl knows (an IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const mod = (n: number, m: number) => ((n % m) + m) % m;

/** Days since 1970-01-01 of a calendar date (no zone: plain arithmetic). */
const dayNumber = (p: { year: number; month: number; day: number }) =>
  Math.floor(Date.UTC(p.year, p.month - 1, p.day) / DAY_MS);

/** 0 = Sunday, as WEEKDAYS. */
const weekdayOf = (day: number) => new Date(day * DAY_MS).getUTCDay();

/** The instant of the handover on calendar day `day` (a dayNumber) in `tz`. */
function handoverOn(day: number, shift: ShiftSpec, tz: string): Date {
  return instantOfWallTime(day * DAY_MS + shift.hour * 3_600_000 + shift.minute * 60_000, tz);
}

/**
 * The instant a zone's clocks show `wall` (the wall time written as if it were UTC). Of two
 * (fall back), the first; of none (spring forward), the first instant after the gap.
 */
function instantOfWallTime(wall: number, tz: string): Date {
  // The offsets a day either side bracket any transition near this wall time.
  const before = wall - offsetAt(wall - DAY_MS, tz);
  const after = wall - offsetAt(wall + DAY_MS, tz);
  const fits = [before, after].filter((t) => wallOf(t, tz) === wall);
  if (fits.length > 0) return new Date(Math.min(...fits));
  // The gap: the transition lies between the two readings; find its first instant.
  let lo = Math.min(before, after);
  let hi = Math.max(before, after);
  const offsetBefore = offsetAt(lo, tz);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, tz) === offsetBefore) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, formatter);
  }
  return formatter;
}

/** The local calendar date and clock time of an instant in `tz`. */
function localParts(at: Date | number, tz: string) {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(tz).formatToParts(at)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The wall time at instant `t` in `tz`, written as if it were UTC (whole seconds). */
function wallOf(t: number, tz: string): number {
  const p = localParts(t, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** The zone's offset from UTC at instant `t`, in ms. */
const offsetAt = (t: number, tz: string) => wallOf(t, tz) - Math.floor(t / 1000) * 1000;
