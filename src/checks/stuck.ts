import type { Pool } from "../db/pool.js";

export interface StuckRun {
  kind: "worker" | "process";
  id: number;
  /** job_type of a worker run, process of a process run. */
  name: string;
  startedAt: Date;
}

export interface StuckRuns {
  runs: StuckRun[];
  /** All stuck runs, including those past the limit. */
  total: number;
}

/**
 * The "stuck" runbook: running rows started before the threshold, oldest first. Bounded;
 * the partial index on running rows (sql/labpics-indexes.sql) keeps it off a seq scan.
 */
export async function findStuckRuns(
  pool: Pool,
  now: Date,
  thresholdMinutes: number,
  limit: number,
): Promise<StuckRuns> {
  const startedBefore = new Date(now.getTime() - thresholdMinutes * 60_000);
  const { rows } = await pool.query<{
    kind: "worker" | "process";
    id: number;
    name: string;
    started_ms: number;
    total: number;
  }>(
    `WITH stuck AS (
       SELECT 'worker' AS kind, id, job_type AS name, started_at FROM worker_runs
        WHERE status = 'running' AND started_at < $1
       UNION ALL
       SELECT 'process', id, process, started_at FROM process_runs
        WHERE status = 'running' AND started_at < $1
     )
     SELECT kind, id, name, (extract(epoch FROM started_at) * 1000)::float8 AS started_ms,
            count(*) OVER ()::int AS total
       FROM stuck ORDER BY started_at, kind, id LIMIT $2`,
    [startedBefore, limit],
  );
  return {
    // Epoch milliseconds: the watcher reads thousands of these per tick in a storm.
    runs: rows.map((r) => ({
      kind: r.kind,
      id: r.id,
      name: r.name,
      startedAt: new Date(r.started_ms),
    })),
    total: rows[0]?.total ?? 0,
  };
}
