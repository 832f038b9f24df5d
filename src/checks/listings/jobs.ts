import type { Pool } from "../../db/pool.js";
import { projectFilter, type Scope } from "../scope.js";

export interface Job {
  /** null in the reference shape, which has no projects. */
  projectId: string | null;
  project: string | null;
  jobType: string;
  status: string;
  lastStatus: string | null;
  lastRunAt: Date | null;
  nextRunAt: Date | null;
  lastError: string | null;
  /** When a running job started, where scheduled_jobs has a started_at column. */
  startedAt: Date | null;
  failed: boolean;
  overdue: boolean;
  /** The scheduler gave up on it after repeated failures. */
  suspended: boolean;
  /** Running for longer than the stuck threshold. */
  stuck: boolean;
}

export interface JobThresholds {
  overdueMinutes: number;
  stuckMinutes: number;
}

interface JobRow {
  project_id: string | null;
  project: string | null;
  job_type: string;
  status: string;
  last_status: string | null;
  last_run_at: Date | null;
  next_run_at: Date | null;
  last_error: string | null;
  started_at: Date | null;
}

const COLUMNS = "j.job_type, j.status, j.last_status, j.last_run_at, j.next_run_at, j.last_error";

// No LIMIT: the table holds one row per project and job type, and a list cut here would
// hide failures; the rendering says "+N more" instead.
function query(scope: Scope, startedAt: boolean): string {
  if (scope.shape === "reference") {
    return `SELECT NULL AS project_id, NULL AS project, ${COLUMNS}, NULL::timestamptz AS started_at
              FROM scheduled_jobs j ORDER BY j.job_type`;
  }
  return `SELECT j.project_id::text, p.name AS project, ${COLUMNS},
                 ${startedAt ? "j.started_at" : "NULL::timestamptz"} AS started_at
            FROM scheduled_jobs j JOIN projects p ON p.id = j.project_id
           WHERE ${projectFilter("j", 1)}
           ORDER BY p.name, j.project_id, j.job_type`;
}

const rank = (j: Job) => (j.suspended ? 0 : j.failed ? 1 : j.stuck ? 2 : j.overdue ? 3 : 4);

/** The scheduler runbook's query; suspended, failed, stuck and overdue jobs first. */
export async function listJobs(
  pool: Pool,
  scope: Scope & { startedAt: boolean },
  now: Date,
  thresholds: JobThresholds,
): Promise<Job[]> {
  const values = scope.shape === "labpics" ? [scope.projectIds] : [];
  const { rows } = await pool.query<JobRow>(query(scope, scope.startedAt), values);
  const overdueBefore = now.getTime() - thresholds.overdueMinutes * 60_000;
  const stuckBefore = now.getTime() - thresholds.stuckMinutes * 60_000;
  const jobs = rows.map((r) => ({
    projectId: r.project_id,
    project: r.project,
    jobType: r.job_type,
    status: r.status,
    lastStatus: r.last_status,
    lastRunAt: r.last_run_at,
    nextRunAt: r.next_run_at,
    lastError: r.last_error,
    startedAt: r.started_at,
    suspended: r.status === "suspended",
    failed: r.last_status === "failed" && r.status !== "suspended",
    stuck: r.status === "running" && r.started_at !== null && r.started_at.getTime() < stuckBefore,
    overdue:
      r.status === "active" && r.next_run_at !== null && r.next_run_at.getTime() < overdueBefore,
  }));
  return jobs.sort((a, b) => rank(a) - rank(b));
}
