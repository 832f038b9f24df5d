/**
 * The text forms of the on-call settings and of /oncall take's DURATION, parsed into plain
 * values; each parser answers undefined for text it does not accept.
 */
import { WEEKDAYS, type ShiftSpec, type Weekday } from "./rota.js";

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90s", "30m", "4h", "2d": a whole number and one unit. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** "daily HH:MM" or "weekly DAY HH:MM" (DAY mon…sun). */
export function parseShiftSpec(text: string): ShiftSpec | undefined {
  const match = /^(?:(daily)|weekly\s+([a-z]{3}))\s+(\d{1,2}):(\d{2})$/i.exec(text.trim());
  if (!match) return undefined;
  const hour = Number(match[3]);
  const minute = Number(match[4]);
  if (hour > 23 || minute > 59) return undefined;
  if (match[1] !== undefined) return { every: "daily", hour, minute };
  const day = match[2]!.toLowerCase() as Weekday;
  return WEEKDAYS.includes(day) ? { every: "weekly", day, hour, minute } : undefined;
}

export const ESCALATION_TARGETS = ["oncall", "next", "group"] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

export interface EscalationStep {
  /** From the alert's first page. */
  delayMs: number;
  target: EscalationTarget;
}

/** "5m:oncall,10m:next,15m:group"; "" is no escalation at all. */
export function parseEscalation(text: string): EscalationStep[] | undefined {
  const steps: EscalationStep[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    if (part === "" && text.trim() === "") return [];
    const [delay = "", target = "", ...rest] = part.split(":");
    const delayMs = parseDuration(delay);
    const known = ESCALATION_TARGETS.find((t) => t === target.trim());
    if (delayMs === undefined || known === undefined || rest.length > 0) return undefined;
    steps.push({ delayMs, target: known });
  }
  return steps;
}
