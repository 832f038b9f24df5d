/** Time comes from here so time-based logic is testable without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A time as people read it in a message: "2030-06-01 07:05 UTC" (to the minute). */
export const formatUtc = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
