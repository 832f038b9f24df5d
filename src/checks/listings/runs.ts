import type { Pool } from "../../db/pool.js";
import { projectFilter } from "../scope.js";
import { FRESH_MS, historyRefreshedTo } from "./run-history.js";

/**
 * The two shapes of worker_runs: `reference` (id, job_type, status, started_at,
 * finished_at, error) and `labpics` (the same, scoped by project_id -> projects(id, name)).
 */
export type RunsShape = "labpics" | "reference";

export interface RunsQuery {
  shape: RunsShape;
  now: Date;
  job?: string;
  /** labpics shape only: a project's name or id. */
  project?: string;
  /** PROJECT_IDS (labpics shape); none or empty = every project but __legacy_scope__. */
  projectIds?: readonly string[];
}

export interface WindowStats {
  runs: number;
  ok: number;
  failed: number;
  /** Seconds, over finished runs; null without any. */
  p50: number | null;
  p95: number | null;
}

export interface JobRunStats {
  jobType: string;
  project: string | null;
  day: WindowStats;
  week: WindowStats;
}

export interface RunRow {
  id: number;
  jobType: string;
  project: string | null;
  status: string;
  startedAt: Date;
  /** Seconds; for a running run, how long it has run so far. */
  seconds: number;
  error: string | null;
}

export interface RunsSummary {
  jobs: JobRunStats[];
  failures: RunRow[];
}

/**
 * The runs of one status that started in one CHART_COLUMN_MS of the week: as many as a
 * scatter of every run shows there (points that close overlap), at most two points.
 */
export interface RunColumn {
  /** Which CHART_COLUMN_MS of the week, from 0 a week ago. */
  column: number;
  status: string;
  /** The first of them. */
  startedAt: Date;
  runs: number;
  /** Seconds; a running run's measured up to now. */
  shortest: number;
  longest: number;
}

/** What the chart shows: the week's runs, or its newest CHART_RUNS when it has more. */
export interface ChartedRuns {
  /** By column and status, oldest first. */
  columns: RunColumn[];
  /** The chart's start: a week ago, or where the newest CHART_RUNS runs begin. */
  since: Date;
  /** The week has more runs than CHART_RUNS: only the newest are charted. */
  cut: boolean;
}

export interface JobHistory {
  last: RunRow[];
  week: ChartedRuns;
}

const DAY_MS = 86_400_000;
const MAX_GROUPS = 500;
export const FAILURE_LIMIT = 5;
export const LAST_RUNS = 20;
/** Half an hour: 336 columns across the week, about two pixels each on the chart. */
export const CHART_COLUMN_MS = 1_800_000;
/**
 * The most runs a chart reads (about 20 ms from the covering index): a week of a job run
 * every 30 s. One job type across LabPics's 200 projects runs far more often: its newest
 * runs are charted, and `/runs JOB PROJECT` charts one project's.
 */
export const CHART_RUNS = 7 * 24 * 120;

const projectName = (column: string) => `(SELECT p.name FROM projects p WHERE p.id = ${column})`;

/**
 * Shape-specific pieces of SQL; everything else is shared. `$n` is the PROJECT argument,
 * `$m` PROJECT_IDS.
 */
function shapeSql(query: RunsQuery, n: number, m: number, alias = "w") {
  return query.shape === "labpics"
    ? {
        project: "w.project_id",
        projectName: projectName("x.project_id"),
        runProject: projectName("w.project_id"),
        // By exact name or id, without casting arbitrary input to uuid. As an array of ids,
        // so that an index on (project_id, …) serves it; `$n IS NULL` keeps $n in use.
        projectFilter: `${projectFilter(alias, m)} AND ${
          query.project === undefined
            ? `$${n}::text IS NULL`
            : `${alias}.project_id = ANY (ARRAY(SELECT id FROM projects WHERE name = $${n} OR id::text = $${n}))`
        }`,
      }
    : {
        project: "NULL::text",
        projectName: "NULL::text",
        runProject: "NULL::text",
        // No projects: the arguments stay in use, so PostgreSQL knows their types.
        projectFilter: `$${n}::text IS NULL AND cardinality($${m}::uuid[]) >= 0`,
      };
}

const windowColumns = (suffix: string, since: string) => {
  const finished = `${since} AND status IN ('ok', 'failed')`;
  return `count(*) FILTER (WHERE ${since})::int AS runs_${suffix},
          count(*) FILTER (WHERE ${since} AND status = 'ok')::int AS ok_${suffix},
          count(*) FILTER (WHERE ${since} AND status = 'failed')::int AS failed_${suffix},
          percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE ${finished}) AS p50_${suffix},
          percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE ${finished}) AS p95_${suffix}`;
};

type StatsRow = Record<string, number | null> & {
  job_type: string;
  project_id: string | null;
  project: string | null;
};

const stats = (row: StatsRow, suffix: string): WindowStats => ({
  runs: row[`runs_${suffix}`] ?? 0,
  ok: row[`ok_${suffix}`] ?? 0,
  failed: row[`failed_${suffix}`] ?? 0,
  p50: row[`p50_${suffix}`] ?? null,
  p95: row[`p95_${suffix}`] ?? null,
});

interface RawRun {
  id: number;
  job_type: string;
  project: string | null;
  status: string;
  started_at: Date;
  seconds: number;
  error: string | null;
}

const toRun = (r: RawRun): RunRow => ({
  id: r.id,
  jobType: r.job_type,
  project: r.project,
  status: r.status,
  startedAt: r.started_at,
  seconds: r.seconds,
  error: r.error,
});

/** Columns of one run; a running run's duration is measured up to now (`$n`). */
const runColumns = (project: string, n: number) =>
  `w.id, w.job_type, ${project} AS project, w.status, w.started_at, w.error,
   extract(epoch FROM coalesce(w.finished_at, $${n}::timestamptz) - w.started_at)::float8 AS seconds`;

interface SummaryParams {
  query: RunsQuery;
  weekAgo: Date;
  dayAgo: Date;
}

/** Exact, from worker_runs: one pass over the week's rows sorted for the percentiles. */
async function exactStats(pool: Pool, { query, weekAgo, dayAgo }: SummaryParams) {
  // $1 a week ago, $2 JOB, $3 a day ago, $4 PROJECT, $5 PROJECT_IDS.
  const sql = shapeSql(query, 4, 5);
  const { rows } = await pool.query<StatsRow>(
    `WITH week AS (
       SELECT w.job_type, ${sql.project} AS project_id, w.status, w.started_at,
              extract(epoch FROM w.finished_at - w.started_at)::float8 AS seconds
         FROM worker_runs w
        WHERE w.started_at >= $1 AND ($2::text IS NULL OR w.job_type = $2) AND ${sql.projectFilter}
     ), grouped AS (
       SELECT job_type, project_id,
              ${windowColumns("day", "started_at >= $3")},
              ${windowColumns("week", "true")}
         FROM week GROUP BY job_type, project_id
     )
     SELECT x.*, ${sql.projectName} AS project FROM grouped x
      ORDER BY x.job_type, project LIMIT ${MAX_GROUPS}`,
    [weekAgo, query.job ?? null, dayAgo, query.project ?? null, query.projectIds ?? []],
  );
  return rows.map((row) => ({ row, day: stats(row, "day"), week: stats(row, "week") }));
}

/**
 * From the summaries the watcher keeps (run-summaries.ts), one row per group: windows start
 * at the hour (up to an hour more than 24 h and 7 d) and end at the last refresh (at most
 * FRESH_MS ago), percentiles within a duration bucket (9%).
 */
async function keptStats(pool: Pool, { query }: SummaryParams) {
  // $1 JOB, $2 PROJECT, $3 PROJECT_IDS.
  const sql = shapeSql(query, 2, 3, "x");
  const { rows } = await pool.query<StatsRow>(
    `SELECT x.*, ${sql.projectName} AS project FROM opsbot.run_summaries x
      WHERE ($1::text IS NULL OR x.job_type = $1) AND ${sql.projectFilter}
      ORDER BY x.job_type, project LIMIT ${MAX_GROUPS}`,
    [query.job ?? null, query.project ?? null, query.projectIds ?? []],
  );
  return rows.map((row) => ({ row, day: stats(row, "day"), week: stats(row, "week") }));
}

/**
 * Per job type (and project): runs, outcomes and duration percentiles over 24 h and 7 d,
 * plus the week's last failures. From the history the watcher keeps when it is fresh;
 * exactly from worker_runs otherwise (no watcher, or migration 0007 not applied).
 */
export async function summarizeRuns(pool: Pool, query: RunsQuery): Promise<RunsSummary> {
  const params = {
    query,
    weekAgo: new Date(query.now.getTime() - 7 * DAY_MS),
    dayAgo: new Date(query.now.getTime() - DAY_MS),
  };
  const sql = shapeSql(query, 4, 5);
  const refreshedTo = await historyRefreshedTo(pool);
  const kept = refreshedTo !== null && refreshedTo >= query.now.getTime() - FRESH_MS;
  const [groups, failures] = await Promise.all([
    kept ? keptStats(pool, params) : exactStats(pool, params),
    pool.query<RawRun>(
      `SELECT ${runColumns(sql.runProject, 3)} FROM worker_runs w
        WHERE w.status = 'failed' AND w.started_at >= $1
          AND ($2::text IS NULL OR w.job_type = $2) AND ${sql.projectFilter}
        ORDER BY w.started_at DESC, w.id DESC LIMIT ${FAILURE_LIMIT}`,
      [params.weekAgo, query.job ?? null, query.now, query.project ?? null, query.projectIds ?? []],
    ),
  ]);
  return {
    jobs: groups.map(({ row, day, week }) => ({
      jobType: row.job_type,
      project: row.project,
      day,
      week,
    })),
    failures: failures.rows.map(toRun),
  };
}

interface RawColumn {
  col: number;
  status: string;
  started_at: Date;
  runs: number;
  shortest: number;
  longest: number;
  cut: boolean;
}

/**
 * One job's last runs, and its week of runs for the chart grouped in SQL by column: the
 * reply carries a few hundred rows, and every run read is counted.
 */
export async function jobHistory(
  pool: Pool,
  query: RunsQuery & { job: string },
): Promise<JobHistory> {
  // $1 JOB, $2 now, $3 PROJECT, $4 PROJECT_IDS, $5 a week ago, $6 the column in seconds.
  const sql = shapeSql(query, 3, 4);
  const weekAgo = new Date(query.now.getTime() - 7 * DAY_MS);
  const where = `w.job_type = $1 AND ${sql.projectFilter}`;
  const params = [query.job, query.now, query.project ?? null, query.projectIds ?? []];
  const [last, week] = await Promise.all([
    pool.query<RawRun>(
      `SELECT ${runColumns(sql.runProject, 2)} FROM worker_runs w WHERE ${where}
        ORDER BY w.started_at DESC, w.id DESC LIMIT ${LAST_RUNS}`,
      params,
    ),
    pool.query<RawColumn>(
      `WITH newest AS (
         SELECT w.status, w.started_at, w.finished_at FROM worker_runs w
          WHERE ${where} AND w.started_at >= $5 ORDER BY w.started_at DESC LIMIT ${CHART_RUNS + 1}
       ), charted AS (
         SELECT status, started_at,
                floor(extract(epoch FROM started_at - $5::timestamptz) / $6)::int AS col,
                extract(epoch FROM coalesce(finished_at, $2::timestamptz) - started_at)::float8 AS seconds
           FROM newest ORDER BY started_at DESC LIMIT ${CHART_RUNS}
       )
       SELECT col, status, min(started_at) AS started_at, count(*)::int AS runs,
              min(seconds) AS shortest, max(seconds) AS longest,
              (SELECT count(*) FROM newest) > ${CHART_RUNS} AS cut
         FROM charted GROUP BY col, status ORDER BY col, status`,
      [...params, weekAgo, CHART_COLUMN_MS / 1000],
    ),
  ]);
  const columns = week.rows.map((r) => ({
    column: r.col,
    status: r.status,
    startedAt: r.started_at,
    runs: r.runs,
    shortest: r.shortest,
    longest: r.longest,
  }));
  // One more run than charted was found: the week has more than CHART_RUNS.
  const cut = week.rows[0]?.cut ?? false;
  const first = Math.min(...columns.map((c) => c.startedAt.getTime()));
  return {
    last: last.rows.map(toRun),
    week: { columns, since: cut ? new Date(first) : weekAgo, cut },
  };
}
