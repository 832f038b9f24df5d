/** The components the probe loop watches; each has its own down alert (`<name>_down`). */
export const PROBED = ["api", "postgres", "redis"] as const;
export type Probed = (typeof PROBED)[number];

/**
 * down: every probe failed for DOWN_AFTER_SECONDS; up: every probe passed for
 * UP_AFTER_SECONDS; undecided: neither yet (its alert stays as it is: unknown is not ok).
 */
export type Verdict = "down" | "up" | "undecided";

export interface WindowOptions {
  downAfterMs: number;
  upAfterMs: number;
}

/** A run of probes with one outcome: when its first and last probe started. */
interface Streak {
  failing: boolean;
  since: Date;
  lastAt: Date;
  /** The last failing probe's reason. */
  error?: string;
}

export interface ComponentVerdict {
  verdict: Verdict;
  /** When the current run of failures began (down only). */
  since?: Date;
  error?: string;
}

/**
 * Pure bookkeeping of probe outcomes, per component. A verdict needs the whole window seen
 * by probes (first to last probe of a run), so an outage shorter than DOWN_AFTER_SECONDS
 * never pages, and one probe that passes (or fails) starts the other window over.
 */
export function createProbeWindows(options: WindowOptions) {
  const streaks = new Map<Probed, Streak>();
  const windowOf = (s: Streak) => (s.failing ? options.downAfterMs : options.upAfterMs);

  return {
    record(component: Probed, failing: boolean, at: Date, error?: string): void {
      const streak = streaks.get(component);
      if (streak === undefined || streak.failing !== failing) {
        streaks.set(component, { failing, since: at, lastAt: at, ...(error ? { error } : {}) });
        return;
      }
      streak.lastAt = at;
      if (error !== undefined) streak.error = error;
    },

    verdictOf(component: Probed): ComponentVerdict {
      const s = streaks.get(component);
      if (s === undefined || s.lastAt.getTime() - s.since.getTime() < windowOf(s)) {
        return { verdict: "undecided" };
      }
      return s.failing
        ? { verdict: "down", since: s.since, ...(s.error ? { error: s.error } : {}) }
        : { verdict: "up" };
    },

    /** When the earliest undecided window closes: a probe then decides it on time. */
    nextDecisionAt(): Date | undefined {
      let next: number | undefined;
      for (const s of streaks.values()) {
        const closes = s.since.getTime() + windowOf(s);
        if (closes > s.lastAt.getTime() && (next === undefined || closes < next)) next = closes;
      }
      return next === undefined ? undefined : new Date(next);
    },
  };
}

export type ProbeWindows = ReturnType<typeof createProbeWindows>;
