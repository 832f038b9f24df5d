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
  return silences.find((s) => s.until > now && matches(s.matcher, fingerprint));
}

// A fingerprint (kind or kind:name) or a prefix of one ending in "*".
export const silenceMatcher = z
  .string()
  .regex(/^[a-z][a-z_]{1,40}(:[^\s*]{1,200})?\*?$|^[a-z][a-z_]{0,40}\*$/, "not an alert key");

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const MAX_SILENCE_MS = 30 * UNIT_MS.d;

/** "30m", "4h", "2d": from one minute to 30 days. */
export const silenceDuration = z
  .string()
  .regex(/^\d{1,5}[mhd]$/, "not a duration like 30m, 4h or 2d")
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms >= UNIT_MS.m && ms <= MAX_SILENCE_MS, "must be from 1m to 30d");
