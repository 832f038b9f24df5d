import { errorMessage } from "../status.js";
import type { FailedProcess, StuckRuns } from "./stuck.js";

/** /stuck: stuck workers and processes; processes that cannot be read leave workers shown. */
export interface StuckReport extends StuckRuns {
  /** Why process runs could not be read (schema mismatch, error). */
  processesError?: string;
  /** Processes that failed in the last day, newest first. */
  failedProcesses?: { failed: FailedProcess[]; total: number };
}

/** What /stuck reads, each on its own: a part that failed is not shown, the rest is. */
export interface StuckReads {
  workers: PromiseSettledResult<StuckRuns>;
  processes: PromiseSettledResult<StuckRuns>;
  failed: PromiseSettledResult<{ failed: FailedProcess[]; total: number }>;
}

/**
 * Pure: workers and processes merged, oldest first, at most `limit`. Without the workers
 * there is nothing to show, so their failure is thrown for the command to report.
 */
export function stuckReport(
  { workers, processes, failed }: StuckReads,
  limit: number,
): StuckReport {
  if (workers.status === "rejected") throw workers.reason;
  const found =
    processes.status === "fulfilled" ? [workers.value, processes.value] : [workers.value];
  const runs = found
    .flatMap((f) => f.runs)
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
    .slice(0, limit);
  return {
    runs,
    total: found.reduce((n, f) => n + f.total, 0),
    ...(processes.status === "rejected" ? { processesError: errorMessage(processes.reason) } : {}),
    ...(failed.status === "fulfilled" ? { failedProcesses: failed.value } : {}),
  };
}
