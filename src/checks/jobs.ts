import type { Pool } from "../db/pool.js";

export interface Job {
  jobType: string;
  status: string;
  lastStatus: string | null;
  lastRunAt: Date | null;
  nextRunAt: Date | null;
  lastError: string | null;
  failed: boolean;
  overdue: boolean;
}

const MAX_JOBS = 500;

/** The scheduler runbook's query; failed and overdue jobs first. */
export async function listJobs(pool: Pool, now: Date, overdueMinutes: number): Promise<Job[]> {
  const { rows } = await pool.query<{
    job_type: string;
    status: string;
    last_status: string | null;
    last_run_at: Date | null;
    next_run_at: Date | null;
    last_error: string | null;
  }>(
    `SELECT job_type, status, last_status, last_run_at, next_run_at, last_error
       FROM scheduled_jobs ORDER BY job_type LIMIT $1`,
    [MAX_JOBS],
  );
  const overdueBefore = now.getTime() - overdueMinutes * 60_000;
  const jobs = rows.map((r) => ({
    jobType: r.job_type,
    status: r.status,
    lastStatus: r.last_status,
    lastRunAt: r.last_run_at,
    nextRunAt: r.next_run_at,
    lastError: r.last_error,
    failed: r.last_status === "failed",
    overdue:
      r.status === "active" && r.next_run_at !== null && r.next_run_at.getTime() < overdueBefore,
  }));
  const rank = (j: Job) => (j.failed ? 0 : j.overdue ? 1 : 2);
  return jobs.sort((a, b) => rank(a) - rank(b));
}
