// Rows tests write by hand, one builder per shape instead of the same INSERT in each file:
// the reference shape's scheduled_jobs and worker_runs (sql/shapes/reference.sql), and
// opsbot.alerts as the watcher would have stored them. For rows in either LabPics shape,
// see labpics-rows.ts.
import type { Pool } from "../../src/db/pool.js";

/** INSERTs `rows` (values in `columns` order) in one statement. */
async function insertRows(
  pool: Pool,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const tuples = rows.map(
    (row, r) => `(${row.map((_, c) => `$${r * columns.length + c + 1}`).join(", ")})`,
  );
  await pool.query(
    `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")}`,
    rows.flat(),
  );
}

export interface JobRow {
  job: string;
  /** active (the default) or paused. */
  status?: string;
  lastStatus: string;
  lastRunAt: Date;
  nextRunAt: Date;
  lastError?: string;
}

/** scheduled_jobs rows. */
export const insertJobs = (pool: Pool, jobs: readonly JobRow[]) =>
  insertRows(
    pool,
    "scheduled_jobs",
    ["job_type", "status", "last_status", "last_run_at", "next_run_at", "last_error"],
    jobs.map((j) => [
      j.job,
      j.status ?? "active",
      j.lastStatus,
      j.lastRunAt,
      j.nextRunAt,
      j.lastError ?? null,
    ]),
  );

export interface WorkerRunRow {
  job: string;
  status: string;
  startedAt: Date;
  finishedAt?: Date;
  error?: string;
}

/** worker_runs rows. */
export const insertWorkerRuns = (pool: Pool, runs: readonly WorkerRunRow[]) =>
  insertRows(
    pool,
    "worker_runs",
    ["job_type", "status", "started_at", "finished_at", "error"],
    runs.map((r) => [r.job, r.status, r.startedAt, r.finishedAt ?? null, r.error ?? null]),
  );

/** A firing alert as the watcher stores it: its kind and fingerprint `kind`, from `source`. */
export async function insertFiringAlert(
  pool: Pool,
  alert: { kind: string; source: string; summary: string; firingSince: Date },
): Promise<void> {
  await pool.query(
    `INSERT INTO opsbot.alerts (fingerprint, kind, source, summary, firing_since)
     VALUES ($1, $1, $2, $3, $4)`,
    [alert.kind, alert.source, alert.summary, alert.firingSince],
  );
}
