// A bound on the commands that read much (/runs, /pg, /backups): a few run at once, a few
// more wait their turn, and the rest are told to try again. Sixty /runs JOB at once would
// otherwise hold every connection of the commands' pool and queue past its connect timeout.

export class BusyError extends Error {
  constructor(readonly running: number) {
    super(`busy: ${running} heavy queries running and the queue is full`);
    this.name = "BusyError";
  }
}

export interface HeavyQueryLimits {
  /** How many run at once. */
  running: number;
  /** How many more wait for a turn; past them, BusyError. */
  queued: number;
}

/** The limits the app runs with; a command's few parallel queries each fit the pool. */
export const HEAVY_QUERY_LIMITS: HeavyQueryLimits = { running: 2, queued: 8 };

export function createHeavyQueries(limits: HeavyQueryLimits = HEAVY_QUERY_LIMITS) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    /** Runs `work` in its turn, or throws BusyError at once when the queue is full. */
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running < limits.running) running += 1;
      else if (waiting.length < limits.queued) await new Promise<void>((go) => waiting.push(go));
      else throw new BusyError(running);
      try {
        return await work();
      } finally {
        // The turn passes straight to the next in line, so `running` never overshoots.
        const next = waiting.shift();
        if (next) next();
        else running -= 1;
      }
    },
  };
}

export type HeavyQueries = ReturnType<typeof createHeavyQueries>;
