import type { Clock } from "../../src/clock.js";

/** A clock that moves only when told: time-based logic tested without sleeping. */
export function createFakeClock(start = new Date("2026-11-28T12:00:00Z")) {
  let now = start.getTime();
  const clock: Clock & { advance(ms: number): void; set(at: Date): void } = {
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
    set(at) {
      now = at.getTime();
    },
  };
  return clock;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
