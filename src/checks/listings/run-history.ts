import type { Pool } from "../../db/pool.js";
import { isMissingScanTable } from "./process-scan.js";

/**
 * The worker-run history /runs summarises, kept by the watcher in the opsbot schema
 * (migration 0007): per hour, job type and project, the runs and outcomes, and how many
 * finished runs took each duration bucket. Bucket b ≥ 1 holds durations in
 * [2^((b-1)/4), 2^(b/4)) seconds, bucket 0 those under a second: a percentile read from
 * them is within 9% of the exact one (0.5 s under a second).
 */
const BUCKETS_PER_DOUBLING = 4;
// 2^21 s is 24 days: anything longer shares the last bucket.
const MAX_BUCKET = 1 + BUCKETS_PER_DOUBLING * 21;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Hours are kept this long: the week /runs shows and a day to spare. */
export const KEPT_MS = 8 * DAY_MS;
/**
 * A run is counted in the hour it started, and that hour is counted again until this long
 * after: LabPics ends (or declares dead) a run within 30 minutes. A run that finishes later
 * still counts as a run, but not in the outcomes or durations.
 */
export const RECOUNT_MS = HOUR_MS;
/** A refresh counts at most this much history: the first ones after a deploy fill the week. */
const CHUNK_MS = DAY_MS;
/** /runs reads the kept history only when a refresh was this recent (the watcher's job). */
export const FRESH_MS = 15 * 60_000;

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const hour = (column: string) => `date_trunc('hour', ${column}, 'UTC')`;

const bucketSql = (seconds: string) =>
  `CASE WHEN ${seconds} < 1 THEN 0
        ELSE least(${MAX_BUCKET}, 1 + floor(${BUCKETS_PER_DOUBLING} * ln(${seconds}) / ln(2)))::int END`;

/** A bucket's duration: the geometric middle of its bounds. */
export const bucketSeconds = (bucket: number) =>
  bucket === 0 ? 0.5 : 2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING);

/**
 * percentile_cont over a histogram: the same interpolation between neighbouring ranks, with
 * each run's duration taken as its bucket's. null for an empty histogram.
 */
export function percentileOf(histogram: ReadonlyMap<number, number>, p: number): number | null {
  const buckets = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const at = (rank: number) => {
    let seen = 0;
    for (const [bucket, n] of buckets) {
      seen += n;
      if (rank < seen) return bucketSeconds(bucket);
    }
    return bucketSeconds(buckets.at(-1)![0]);
  };
  const position = p * (total - 1);
  const lower = Math.floor(position);
  const low = at(lower);
  return low + (at(Math.ceil(position)) - low) * (position - lower);
}

/** When the kept history was last refreshed up to; null without migration 0007. */
export async function historyRefreshedTo(pool: Pool): Promise<number | null> {
  try {
    const { rows } = await pool.query<{ ms: number }>(
      "SELECT (extract(epoch FROM refreshed_to) * 1000)::float8 AS ms FROM opsbot.run_history_scan",
    );
    return rows[0]?.ms ?? null;
  } catch (error) {
    if (isMissingScanTable(error)) return null;
    throw error;
  }
}

/**
 * The watcher's step: counts the hours since the last refresh (less RECOUNT_MS) again from
 * worker_runs, at most CHUNK_MS of them, and forgets hours older than KEPT_MS. Its cost
 * follows the runs of the last hour or two, not the history. A caller that finds another
 * one refreshing skips it.
 */
export async function refreshRunHistory(
  pool: Pool,
  shape: "labpics" | "reference",
  now: Date,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ ms: number; db_ms: number }>(
      `SELECT (extract(epoch FROM refreshed_to) * 1000)::float8 AS ms,
              (extract(epoch FROM now()) * 1000)::float8 AS db_ms
         FROM opsbot.run_history_scan FOR UPDATE SKIP LOCKED`,
    );
    if (rows.length === 0) {
      await client.query("ROLLBACK");
      return;
    }
    // Never past the database's own clock: a replica whose clock runs ahead must not mark
    // hours as counted before their runs are written.
    const until = Math.min(now.getTime(), rows[0]!.db_ms);
    const from = floorHour(Math.max(rows[0]!.ms - RECOUNT_MS, until - KEPT_MS));
    const to = new Date(Math.min(until, from + CHUNK_MS));
    const range = [new Date(from), to];
    const project = shape === "labpics" ? "w.project_id" : "NULL::uuid";
    const runs = `FROM worker_runs w WHERE w.started_at >= $1 AND w.started_at < $2`;
    for (const table of ["run_hours", "run_durations"]) {
      await client.query(`DELETE FROM opsbot.${table} WHERE hour >= $1 AND hour < $2`, range);
    }
    await client.query(
      `INSERT INTO opsbot.run_hours (hour, job_type, project_id, runs, ok, failed)
       SELECT ${hour("w.started_at")}, w.job_type, ${project}, count(*),
              count(*) FILTER (WHERE w.status = 'ok'), count(*) FILTER (WHERE w.status = 'failed')
         ${runs} GROUP BY 1, 2, 3`,
      range,
    );
    await client.query(
      `INSERT INTO opsbot.run_durations (hour, job_type, project_id, bucket, runs)
       SELECT ${hour("w.started_at")}, w.job_type, ${project},
              ${bucketSql("extract(epoch FROM w.finished_at - w.started_at)::float8")}, count(*)
         ${runs} AND w.status IN ('ok', 'failed') AND w.finished_at IS NOT NULL
        GROUP BY 1, 2, 3, 4`,
      range,
    );
    const forget = new Date(until - KEPT_MS);
    for (const table of ["run_hours", "run_durations"]) {
      await client.query(`DELETE FROM opsbot.${table} WHERE hour < $1`, [forget]);
    }
    await client.query("UPDATE opsbot.run_history_scan SET refreshed_to = $1", [to]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
