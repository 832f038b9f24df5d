import { z } from "zod";
import type { Silence } from "./types.js";

export function matches(matcher: string, fingerprint: string): boolean {
  return matcher.endsWith("*")
    ? fingerprint.startsWith(matcher.slice(0, -1))
    : matcher === fingerprint;
}

export function silenceFor(
  fingerprint: string,
  silences: readonly Silence[],
  now: Date,
): Silence | undefined {
  return silences.find(
    (s) => s.startsAt <= now && s.until > now && matches(s.matcher, fingerprint),
  );
}

// Any key a silence may be stored under, older broad patterns included (to end them).
export const silenceMatcher = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,40}(:[^\s*]{0,200})?\*?$|^[a-z][a-z0-9_]{0,40}\*$/, "not an alert key");

const EXACT_KEY = /^[a-z][a-z0-9_]{0,40}(:[^\s*]{1,200})?$/;
const SPECIFIC_PATTERN = /^[a-z][a-z0-9_]{0,40}:[^\s*]{0,200}\*$/;

/**
 * What a new silence may cover: a kind (api_down), a fingerprint (stuck_worker:42), or a
 * fingerprint prefix with at least a full kind before "*" (job_failed:*). A bare "*" or
 * a partial kind ("a*", "job_*") would silence whole classes of alerts at once.
 */
export function checkNewSilenceKey(
  key: string,
): { ok: true } | { ok: false; problem: "broad-pattern" | "not-a-key" } {
  if (EXACT_KEY.test(key) || SPECIFIC_PATTERN.test(key)) return { ok: true };
  // A pattern without a full kind and a colon before "*".
  if (/^[a-z0-9_]*\*$/.test(key)) return { ok: false, problem: "broad-pattern" };
  return { ok: false, problem: "not-a-key" };
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The shortest silence. */
export const SILENCE_MIN_MS = UNIT_MS.m;

/** The shape of a duration or delay: "30m", "4h", "2d". */
export const DURATION_TEXT = /^\d{1,5}[mhd]$/;
/** A well-formed duration ("30m", "4h", "2d") in milliseconds. */
export const durationMs = (text: string) =>
  Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS];

/** "in 2h": how long until a maintenance window starts; from 1 minute to 30 days ahead. */
export const silenceDelay = z
  .string()
  .regex(DURATION_TEXT, "not a delay like 30m, 4h or 2d")
  .transform(durationMs)
  .refine((ms) => ms >= UNIT_MS.m && ms <= 30 * UNIT_MS.d, "must be from 1m to 30d");

/** "30m", "4h", "2d": from one minute to SILENCE_MAX_DAYS. */
export function silenceDuration(maxDays: number) {
  return z
    .string()
    .regex(DURATION_TEXT, "not a duration like 30m, 4h or 2d")
    .transform(durationMs)
    .refine((ms) => ms >= SILENCE_MIN_MS, "must be at least 1m")
    .refine((ms) => ms <= maxDays * UNIT_MS.d, `may be at most ${maxDays}d (SILENCE_MAX_DAYS)`);
}
