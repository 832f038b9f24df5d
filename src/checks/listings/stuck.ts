import type { Pool } from "../../db/pool.js";
import {
  advanceProcessScan,
  isMissingScanTable,
  LATE_WRITE_MARGIN,
  UNFINISHED,
} from "./process-scan.js";
import { projectFilter, type Scope } from "../scope.js";

export interface StuckRun {
  kind: "worker" | "process";
  /** worker_runs.id, process_runs.id, or the connector_events id of a process_started. */
  id: number;
  /** job_type of a worker run, the process's name otherwise. */
  name: string;
  projectId: string | null;
  project: string | null;
  startedAt: Date;
}

export interface StuckRuns {
  runs: StuckRun[];
  /** All stuck runs, including those past the limit. */
  total: number;
}

/**
 * LabPics declares a worker run dead after this long; at the snapshot measured its cleanup
 * throws (uuid = integer), so the runs of a killed worker stay 'running' for good.
 */
export const LABPICS_DEAD_JOB_MINUTES = 30;

/**
 * What an operator runs on LabPics's database to mark orphaned worker runs failed. Shown,
 * never run: the bot never writes LabPics's tables. Ids come from the database (integers).
 */
export function markFailedSql(ids: readonly number[]): string {
  return (
    "UPDATE worker_runs SET status = 'failed', finished_at = now(), " +
    "error = 'orphaned: marked failed by an operator' " +
    `WHERE status = 'running' AND id IN (${ids.map((id) => Math.trunc(id)).join(", ")});`
  );
}

export interface StuckQuery extends Scope {
  now: Date;
  thresholdMinutes: number;
  limit: number;
}

interface Row {
  id: number;
  name: string;
  project_id: string | null;
  project: string | null;
  started_ms: number;
  total: number;
}

// Epoch milliseconds: the watcher reads thousands of these per tick in a storm.
const STARTED_MS = "(extract(epoch FROM started_at) * 1000)::float8 AS started_ms";

function toRuns(kind: StuckRun["kind"], rows: Row[]): StuckRuns {
  return {
    runs: rows.map((r) => ({
      kind,
      id: r.id,
      name: r.name,
      projectId: r.project_id,
      project: r.project,
      startedAt: new Date(r.started_ms),
    })),
    total: rows[0]?.total ?? 0,
  };
}

async function run(pool: Pool, q: StuckQuery, sql: string): Promise<Row[]> {
  const startedBefore = new Date(q.now.getTime() - q.thresholdMinutes * 60_000);
  const values: unknown[] = [startedBefore, q.limit];
  if (q.shape === "labpics") values.push(q.projectIds);
  return (await pool.query<Row>(sql, values)).rows;
}

/**
 * The "stuck" runbook for worker runs: running rows started before the threshold, oldest
 * first, bounded, with the full count. The partial index on running rows
 * (sql/recommended-indexes.sql) keeps it off a seq scan.
 */
export async function findStuckWorkers(pool: Pool, q: StuckQuery): Promise<StuckRuns> {
  const sql =
    q.shape === "labpics"
      ? `SELECT w.id, w.job_type AS name, w.project_id::text, p.name AS project, ${STARTED_MS},
                count(*) OVER ()::int AS total
           FROM (SELECT id, job_type, project_id, started_at FROM worker_runs w
                  WHERE status = 'running' AND started_at < $1 AND ${projectFilter("w", 3)}) w
           JOIN projects p ON p.id = w.project_id
          ORDER BY w.started_at, w.id LIMIT $2`
      : `SELECT id, job_type AS name, NULL AS project_id, NULL AS project, ${STARTED_MS},
                count(*) OVER ()::int AS total
           FROM worker_runs WHERE status = 'running' AND started_at < $1
          ORDER BY started_at, id LIMIT $2`;
  return toRuns("worker", await run(pool, q, sql));
}

const PROCESS_COLUMNS = `s.id, s.project_id, s.source, s.source_ref, s.occurred_at,
  coalesce(s.payload_json->>'process', split_part(s.source_ref, ':', 2)) AS name`;

/** The stuck ones among `starts` (process_started events older than $1), oldest first. */
const stuckAmong = (starts: string) => `WITH starts AS (${starts})
  SELECT s.id, s.name, s.project_id::text, p.name AS project,
         (extract(epoch FROM s.occurred_at) * 1000)::float8 AS started_ms,
         count(*) OVER ()::int AS total
    FROM starts s JOIN projects p ON p.id = s.project_id
   WHERE ${projectFilter("s", 3)} AND ${UNFINISHED}
   ORDER BY s.occurred_at, s.id LIMIT $2`;

// Every start ever written: what the watermark saves (and what runs without migration 0007).
const ALL_STARTS = `SELECT ${PROCESS_COLUMNS} FROM connector_events s
  WHERE s.event_type = 'process_started' AND s.occurred_at < $1`;

// The starts still open at the last scan, and those since it (less the late-write margin).
// (Ids as an array: primary-key probes, never a hash of the whole table.)
const SCANNED_STARTS = `SELECT ${PROCESS_COLUMNS} FROM connector_events s
   WHERE s.id = ANY (ARRAY(SELECT event_id FROM opsbot.open_processes WHERE occurred_at < $1))
     AND s.event_type = 'process_started'
     AND s.occurred_at IN (SELECT occurred_at FROM opsbot.open_processes WHERE event_id = s.id)
  UNION
  ${ALL_STARTS}
    AND s.occurred_at >= coalesce(
      (SELECT scanned_before - interval '${LATE_WRITE_MARGIN}' FROM opsbot.process_scan),
      '-infinity')`;

async function findStuckProcessEvents(pool: Pool, q: StuckQuery): Promise<Row[]> {
  const scanned = await advanceProcessScan(pool, q.now).then(
    () => true,
    (error: unknown) => {
      if (isMissingScanTable(error)) return false;
      throw error;
    },
  );
  return run(pool, q, stuckAmong(scanned ? SCANNED_STARTS : ALL_STARTS));
}

/**
 * Stuck background processes. Reference shape: running process_runs rows. Labpics shape:
 * a process_started event whose run (source_ref 'process:<name>:<run_id>') has no
 * process_finished or process_failed event, found through the watermark of
 * src/checks/listings/process-scan.ts so that the cost does not grow with the event history.
 */
export async function findStuckProcesses(pool: Pool, q: StuckQuery): Promise<StuckRuns> {
  if (q.shape === "labpics") return toRuns("process", await findStuckProcessEvents(pool, q));
  const sql = `SELECT id, process AS name, NULL AS project_id, NULL AS project, ${STARTED_MS},
                      count(*) OVER ()::int AS total
                 FROM process_runs WHERE status = 'running' AND started_at < $1
                ORDER BY started_at, id LIMIT $2`;
  return toRuns("process", await run(pool, q, sql));
}

export interface FailedProcess {
  name: string;
  project: string | null;
  failedAt: Date;
  error: string | null;
}

/** Processes that failed since `since`, newest first, bounded, with the full count. */
export async function findFailedProcesses(
  pool: Pool,
  scope: Scope,
  since: Date,
  limit: number,
): Promise<{ failed: FailedProcess[]; total: number }> {
  const sql =
    scope.shape === "labpics"
      ? `SELECT coalesce(f.payload_json->>'process', split_part(f.source_ref, ':', 2)) AS name,
                p.name AS project, f.occurred_at AS failed_at,
                f.payload_json->>'error_message' AS error, count(*) OVER ()::int AS total
           FROM connector_events f JOIN projects p ON p.id = f.project_id
          WHERE f.event_type = 'process_failed' AND f.occurred_at >= $1 AND ${projectFilter("f", 3)}
          ORDER BY f.occurred_at DESC, f.id DESC LIMIT $2`
      : `SELECT process AS name, NULL AS project, coalesce(finished_at, started_at) AS failed_at,
                error, count(*) OVER ()::int AS total
           FROM process_runs WHERE status = 'failed' AND started_at >= $1
          ORDER BY started_at DESC, id DESC LIMIT $2`;
  const values: unknown[] = [since, limit];
  if (scope.shape === "labpics") values.push(scope.projectIds);
  const { rows } = await pool.query<{
    name: string;
    project: string | null;
    failed_at: Date;
    error: string | null;
    total: number;
  }>(sql, values);
  return {
    failed: rows.map((r) => ({
      name: r.name,
      project: r.project,
      failedAt: r.failed_at,
      error: r.error,
    })),
    total: rows[0]?.total ?? 0,
  };
}
