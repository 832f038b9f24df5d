import type { Pool } from "../../db/pool.js";
import { projectFilter, watchedProject, type Scope } from "../scope.js";

export interface SchedulerState {
  /** Active jobs whose next run is overdue. */
  overdueJobs: number;
  /** The newest worker run's start; null when there is none. */
  lastRunStartedAt: Date | null;
  /** Jobs are overdue and no worker run started within the stall window. */
  stalled: boolean;
  /**
   * Why it stalled, when the database can tell: a column LabPics's scheduler writes is
   * missing, or its newest run failed (with the error).
   */
  cause?: string;
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

// The newest run (per project first, through LabPics's index, as above) and how it ended.
const NEWEST_RUN = {
  labpics: `SELECT w.job_type, w.status, w.error, p.name AS project FROM projects p
              CROSS JOIN LATERAL (SELECT job_type, status, error, started_at FROM worker_runs r
                                   WHERE r.project_id = p.id ORDER BY started_at DESC LIMIT 1) w
             WHERE ${watchedProject("p.id", 1)}
             ORDER BY w.started_at DESC LIMIT 1`,
  reference: `SELECT job_type, status, error, NULL AS project FROM worker_runs
                ORDER BY started_at DESC NULLS LAST LIMIT 1`,
};

interface NewestRun {
  job_type: string;
  status: string;
  error: string | null;
  project: string | null;
}

/** What the database says of a stall: a column the scheduler needs, or its last failure. */
async function stallCause(
  pool: Pool,
  workers: Scope["shape"],
  projectIds: readonly string[],
  schedulerGaps: readonly string[],
): Promise<string | undefined> {
  if (schedulerGaps.length > 0) {
    return `${schedulerGaps.join(", ")} is missing: LabPics's scheduler writes it, so every worker tick fails`;
  }
  const { rows } = await pool.query<NewestRun>(
    NEWEST_RUN[workers],
    workers === "labpics" ? [projectIds] : [],
  );
  const run = rows[0];
  if (run?.status !== "failed") return undefined;
  const where = run.project === null ? "" : ` [${run.project}]`;
  return `the newest worker run (${run.job_type}${where}) failed: ${run.error ?? "no error recorded"}`;
}

/**
 * A scheduler that stopped writes nothing, so nothing looks "stuck": it shows as due jobs
 * piling up while no worker run starts.
 */
export async function checkScheduler(
  pool: Pool,
  shapes: { jobs: Scope["shape"]; workers: Scope["shape"]; schedulerGaps?: readonly string[] },
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
  const stalled =
    overdueJobs > 0 && (lastRunStartedAt === null || lastRunStartedAt.getTime() < stallBefore);
  const cause = stalled
    ? await stallCause(pool, shapes.workers, projectIds, shapes.schedulerGaps ?? [])
    : undefined;
  return { overdueJobs, lastRunStartedAt, stalled, ...(cause !== undefined ? { cause } : {}) };
}
