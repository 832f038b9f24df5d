import cron from "node-cron";

// Enough upcoming runs to see a cron's longest gap (a weekday cron's weekend among them).
const RUNS_LOOKED_AT = 8;

/** One watch interval: the longest gap between WATCH_CRON's next runs. */
export function watchIntervalMs(expression: string): number {
  const task = cron.createTask(expression, () => undefined);
  const runs = task.getNextRuns(RUNS_LOOKED_AT).map((d) => d.getTime());
  void task.destroy();
  let longest = 0;
  for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!);
  return longest;
}
