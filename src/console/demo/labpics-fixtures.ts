import { readFile } from "node:fs/promises";
import type { Shape } from "../../checks/schema-shape.js";
import {
  DEMO_CONNECTORS,
  DEMO_JOBS,
  DEMO_PROCESS_RUNS,
  demoLastStatus,
  demoWorkerRuns,
} from "./labpics-demo-data.js";

/** The part of pg.Pool / pg.Client these fixtures need. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

export interface LargeTableSizes {
  workerRuns: number;
  /** How many of workerRuns are still running. */
  running: number;
  /** How many of the running ones started more than 30 minutes ago. */
  stuck: number;
  /** Defaults to 1% of workerRuns. */
  processRuns?: number;
}

const TABLES = "scheduled_jobs, worker_runs, process_runs, connector_sync_state";

export async function runSqlFile(db: Queryable, name: string): Promise<void> {
  // Relative to this module so it works from src/ (tsx, vitest) and dist/ alike.
  const sql = await readFile(new URL(`../../../sql/${name}`, import.meta.url), "utf8");
  await db.query(sql);
}

/** Creates the LabPics tables in one shape (sql/shapes/<shape>.sql). */
export function applyShape(db: Queryable, shape: Shape): Promise<void> {
  return runSqlFile(db, `shapes/${shape}.sql`);
}

export function applyRecommendedIndexes(db: Queryable): Promise<void> {
  return runSqlFile(db, "recommended-indexes.sql");
}

/** One INSERT for many rows: a column of values per parameter, zipped by unnest. */
export async function insertRows(
  db: Queryable,
  table: string,
  columns: Record<string, string>,
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  const names = Object.keys(columns);
  const arrays = Object.values(columns).map((type, i) => `$${i + 1}::${type}[]`);
  const values = names.map((_, i) => rows.map((row) => row[i] ?? null));
  await db.query(
    `INSERT INTO ${table} (${names.join(", ")}) SELECT * FROM unnest(${arrays.join(", ")})`,
    values,
  );
}

/**
 * Reference shape: replaces the contents of the four tables with a small state
 * relative to `now`: one stuck worker, a failed job, an overdue job, a paused job,
 * a stuck process, a failed connector and a stale one.
 */
export async function loadReferenceDemoData(db: Queryable, now: Date): Promise<void> {
  const ago = (minutes: number | null): Date | null =>
    minutes === null ? null : new Date(now.getTime() - minutes * 60_000);

  await db.query(`TRUNCATE ${TABLES} RESTART IDENTITY`);
  await insertRows(
    db,
    "scheduled_jobs",
    {
      job_type: "text",
      status: "text",
      last_status: "text",
      last_run_at: "timestamptz",
      next_run_at: "timestamptz",
      last_error: "text",
    },
    DEMO_JOBS.map((job) => [
      job.jobType,
      job.status,
      demoLastStatus(job),
      ago(job.lastRunMinutesAgo),
      ago(job.lastRunMinutesAgo - job.everyMinutes),
      job.failures?.[0] ?? null,
    ]),
  );
  const runColumns = {
    status: "text",
    started_at: "timestamptz",
    finished_at: "timestamptz",
    error: "text",
  };
  await insertRows(
    db,
    "worker_runs",
    { job_type: "text", ...runColumns },
    demoWorkerRuns().map((run) => [
      run.name,
      run.status,
      ago(run.startedMinutesAgo),
      ago(run.finishedMinutesAgo),
      run.error,
    ]),
  );
  await insertRows(
    db,
    "process_runs",
    { process: "text", ...runColumns },
    DEMO_PROCESS_RUNS.map((run) => [
      run.name,
      run.status,
      ago(run.startedMinutesAgo),
      ago(run.finishedMinutesAgo),
      run.error,
    ]),
  );
  await insertRows(
    db,
    "connector_sync_state",
    { connector: "text", last_status: "text", last_synced_at: "timestamptz", last_error: "text" },
    DEMO_CONNECTORS.map((c) => [c.connector, c.lastStatus, ago(c.syncedMinutesAgo), c.lastError]),
  );
}

const JOB_BASES = `ARRAY['embeddings_refresh', 'connector_sync', 'digest_email', 'cleanup_sessions',
  'analytics_rollup', 'search_reindex', 'invoice_export', 'thumbnail_backfill']`;

/** SQL naming job n (0..49) of the large data set, e.g. digest_email_03. */
function jobName(n: string): string {
  return `format('%s_%s', (${JOB_BASES})[1 + (${n}) % 8], lpad(((${n}) / 8)::text, 2, '0'))`;
}

function checkSizes({ workerRuns, running, stuck, processRuns = 0 }: LargeTableSizes): void {
  const whole = [workerRuns, running, stuck, processRuns].every(
    (n) => Number.isSafeInteger(n) && n >= 0,
  );
  if (!whole || stuck > running || running > workerRuns) {
    throw new RangeError(
      `fillLargeTables needs whole numbers with stuck <= running <= workerRuns, got ${JSON.stringify({ workerRuns, running, stuck, processRuns })}`,
    );
  }
}

/**
 * Replaces the four tables' contents with a benchmark-sized history generated inside
 * PostgreSQL: 50 scheduled jobs, `workerRuns` worker runs over the last 30 days of which
 * `running` are still running and `stuck` of those started over 30 minutes ago, and
 * `processRuns` process runs (the last one stuck). Indexes are left to the caller so a
 * benchmark can compare with and without them.
 */
export async function fillLargeTables(
  db: Queryable,
  now: Date,
  sizes: LargeTableSizes,
): Promise<void> {
  const processRuns = sizes.processRuns ?? Math.ceil(sizes.workerRuns / 100);
  checkSizes({ ...sizes, processRuns });
  const { workerRuns, running, stuck } = sizes;
  const finished = workerRuns - running;
  // Finished runs are spread evenly over 30 days; ids grow with started_at as in production.
  const stepSeconds = (rows: number): number => (30 * 86_400) / Math.max(rows, 1);

  await db.query(`TRUNCATE ${TABLES} RESTART IDENTITY`);
  await db.query(
    `INSERT INTO scheduled_jobs (job_type, status, last_status, last_run_at, next_run_at, last_error)
     SELECT ${jobName("g")},
            CASE WHEN g % 17 = 5 THEN 'paused' ELSE 'active' END,
            CASE WHEN g % 11 = 3 THEN 'failed' ELSE 'ok' END,
            $1::timestamptz - make_interval(mins => 5 + g),
            $1::timestamptz + make_interval(mins => 55 - g % 50),
            CASE WHEN g % 11 = 3 THEN 'exited with code 1' END
       FROM generate_series(0, 49) AS g`,
    [now],
  );
  await db.query(
    `INSERT INTO worker_runs (job_type, status, started_at, finished_at, error)
     SELECT ${jobName("g % 50")},
            CASE WHEN g % 25 = 0 THEN 'failed' ELSE 'ok' END,
            t.started_at,
            t.started_at + make_interval(secs => 5 + g % 300),
            CASE WHEN g % 25 = 0 THEN 'exited with code 1' END
       FROM generate_series(1, $2::int) AS g,
            LATERAL (SELECT $1::timestamptz - make_interval(secs => 3600 + ($2 - g) * $3::float8)) AS t(started_at)`,
    [now, finished, stepSeconds(finished)],
  );
  await db.query(
    `INSERT INTO worker_runs (job_type, status, started_at)
     SELECT ${jobName("g % 50")}, 'running',
            CASE WHEN g <= $3 THEN $1::timestamptz - make_interval(mins => 31 + g % 600)
                 ELSE $1::timestamptz - make_interval(secs => g % 1700) END
       FROM generate_series(1, $2::int) AS g`,
    [now, running, stuck],
  );
  await db.query(
    `INSERT INTO process_runs (process, status, started_at, finished_at, error)
     SELECT (ARRAY['kag_recompute', 'signals_extraction', 'weekly_report', 'vacuum_analyze'])[1 + g % 4],
            CASE WHEN g = $2 THEN 'running' WHEN g % 40 = 0 THEN 'failed' ELSE 'ok' END,
            t.started_at,
            CASE WHEN g <> $2 THEN t.started_at + make_interval(secs => 30 + g % 900) END,
            CASE WHEN g % 40 = 0 AND g <> $2 THEN 'killed by signal 9' END
       FROM generate_series(1, $2::int) AS g,
            LATERAL (SELECT CASE WHEN g = $2 THEN $1::timestamptz - interval '2 hours'
                                 ELSE $1::timestamptz - make_interval(secs => 7200 + ($2 - g) * $3::float8) END)
              AS t(started_at)`,
    [now, processRuns, stepSeconds(processRuns)],
  );
  // Fresh statistics, so the planner sees the new sizes before the benchmark's first query.
  await db.query(`ANALYZE ${TABLES}`);
}
