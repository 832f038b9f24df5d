import type { Pool } from "../../db/pool.js";
import { projectFilter, watchedProject, type Scope } from "../scope.js";

export interface SchedulerState {
  /** Active jobs whose next run is overdue. */
  overdueJobs: number;
  /** The newest worker run's start; null when there is none. */
  lastRunStartedAt: Date | null;
  /** Jobs are overdue and no worker run started within the stall window. */
  stalled: boolean;
}

export interface SchedulerThresholds {
  overdueMinutes: number;
  stallMinutes: number;
}

// Labpics shape: the newest run per project through LabPics's own (project_id, started_at)
// index, one probe per project, rather than a walk of the whole run history.
const LAST_STARTED = {
  labpics: `SELECT max(w.started_at) FROM projects p
              CROSS JOIN LATERAL (SELECT started_at FROM worker_runs r WHERE r.project_id = p.id
                                   ORDER BY started_at DESC LIMIT 1) w
             WHERE ${watchedProject("p.id", 1)}`,
  reference: "SELECT max(started_at) FROM worker_runs",
};
const OVERDUE = {
  labpics: `SELECT count(*)::int FROM scheduled_jobs j
             WHERE j.status = 'active' AND j.next_run_at < $1 AND ${projectFilter("j", 2)}`,
  reference:
    "SELECT count(*)::int FROM scheduled_jobs WHERE status = 'active' AND next_run_at < $1",
};

/**
 * A scheduler that stopped writes nothing, so nothing looks "stuck": it shows as due jobs
 * piling up while no worker run starts.
 */
export async function checkScheduler(
  pool: Pool,
  shapes: { jobs: Scope["shape"]; workers: Scope["shape"] },
  projectIds: readonly string[],
  now: Date,
  thresholds: SchedulerThresholds,
): Promise<SchedulerState> {
  const overdueBefore = new Date(now.getTime() - thresholds.overdueMinutes * 60_000);
  const [overdue, last] = await Promise.all([
    pool.query<{ count: number }>(
      `SELECT (${OVERDUE[shapes.jobs]}) AS count`,
      shapes.jobs === "labpics" ? [overdueBefore, projectIds] : [overdueBefore],
    ),
    pool.query<{ max: Date | null }>(
      `SELECT (${LAST_STARTED[shapes.workers]}) AS max`,
      shapes.workers === "labpics" ? [projectIds] : [],
    ),
  ]);
  const overdueJobs = overdue.rows[0]?.count ?? 0;
  const lastRunStartedAt = last.rows[0]?.max ?? null;
  const stallBefore = now.getTime() - thresholds.stallMinutes * 60_000;
  return {
    overdueJobs,
    lastRunStartedAt,
    stalled:
      overdueJobs > 0 && (lastRunStartedAt === null || lastRunStartedAt.getTime() < stallBefore),
  };
}
