import type { PoolClient } from "pg";
import type { Pool } from "../../db/pool.js";
import { withTransaction } from "../../db/transaction.js";
import { isMissingScanTable } from "./process-scan.js";
import {
  addHours,
  dropEmpty,
  moveSummaryHour,
  updatePercentiles,
  type ChangedGroups,
} from "./run-summaries.js";

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

/** A bucket's duration (SQL): the geometric middle of its bounds. */
const bucketSecondsSql = (bucket: string) =>
  `CASE WHEN ${bucket} = 0 THEN 0.5 ELSE 2 ^ ((${bucket} - 0.5) / ${BUCKETS_PER_DOUBLING}) END`;

/** A refresh's change to the kept hours: signed rows, only those that differ. */
const CHANGE = {
  counts: "pg_temp.run_hours_change",
  durations: "pg_temp.run_durations_change",
} as const;
const RECOUNTED = "hour >= $1 AND hour < $2";

/**
 * Counts the runs started in [$1, $2) again, into CHANGE: per hour, job type and project
 * (and duration bucket) the recount less the kept rows, where they differ. One pass over
 * the runs for both tables.
 */
async function recount(
  client: PoolClient,
  shape: "labpics" | "reference",
  range: Date[],
): Promise<void> {
  const project = shape === "labpics" ? "w.project_id" : "NULL::uuid";
  const seconds = "extract(epoch FROM w.finished_at - w.started_at)::float8";
  await client.query(
    `CREATE TEMP TABLE run_hours_change (LIKE opsbot.run_hours) ON COMMIT DROP;
     CREATE TEMP TABLE run_durations_change (LIKE opsbot.run_durations) ON COMMIT DROP`,
  );
  await client.query(
    `WITH runs AS MATERIALIZED (
       SELECT ${hour("w.started_at")} AS hour, w.job_type, ${project} AS project_id,
              CASE WHEN w.status IN ('ok', 'failed') AND w.finished_at IS NOT NULL
                   THEN ${bucketSql(seconds)} END AS bucket,
              count(*) AS runs, count(*) FILTER (WHERE w.status = 'ok') AS ok,
              count(*) FILTER (WHERE w.status = 'failed') AS failed
         FROM worker_runs w WHERE w.started_at >= $1 AND w.started_at < $2
        GROUP BY 1, 2, 3, 4
     ), counts AS (
       INSERT INTO ${CHANGE.counts}
       SELECT hour, job_type, project_id, sum(runs), sum(ok), sum(failed) FROM (
         SELECT hour, job_type, project_id, runs, ok, failed FROM runs
         UNION ALL
         SELECT hour, job_type, project_id, -runs, -ok, -failed FROM opsbot.run_hours
          WHERE ${RECOUNTED}
       ) x GROUP BY 1, 2, 3 HAVING (sum(runs), sum(ok), sum(failed)) <> (0, 0, 0)
     )
     INSERT INTO ${CHANGE.durations}
     SELECT hour, job_type, project_id, bucket, sum(runs) FROM (
       SELECT hour, job_type, project_id, bucket, runs FROM runs WHERE bucket IS NOT NULL
       UNION ALL
       SELECT hour, job_type, project_id, bucket, -runs FROM opsbot.run_durations
        WHERE ${RECOUNTED}
     ) x GROUP BY 1, 2, 3, 4 HAVING sum(runs) <> 0`,
    range,
  );
}

/** Adds CHANGE to the kept hours; rows left without runs go. */
async function applyChange(client: PoolClient, range: Date[]): Promise<void> {
  await client.query(
    `INSERT INTO opsbot.run_hours AS h SELECT * FROM ${CHANGE.counts}
     ON CONFLICT (hour, job_type, project_id) DO UPDATE
       SET runs = h.runs + excluded.runs, ok = h.ok + excluded.ok, failed = h.failed + excluded.failed`,
  );
  await client.query(
    `INSERT INTO opsbot.run_durations AS h SELECT * FROM ${CHANGE.durations}
     ON CONFLICT (hour, job_type, project_id, bucket) DO UPDATE SET runs = h.runs + excluded.runs`,
  );
  for (const table of ["run_hours", "run_durations"]) {
    await client.query(`DELETE FROM opsbot.${table} WHERE ${RECOUNTED} AND runs = 0`, range);
  }
}

/**
 * When the kept history, and the summaries /runs reads (run-summaries.ts), were last
 * refreshed up to; null without migrations 0007 and 0010 or before the first refresh.
 */
export async function historyRefreshedTo(pool: Pool): Promise<number | null> {
  try {
    const { rows } = await pool.query<{ ms: number }>(
      `SELECT (extract(epoch FROM refreshed_to) * 1000)::float8 AS ms FROM opsbot.run_history_scan
        WHERE summary_hour > '-infinity'`,
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
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ ms: number; db_ms: number; summary_ms: number }>(
      `SELECT (extract(epoch FROM refreshed_to) * 1000)::float8 AS ms,
              (extract(epoch FROM summary_hour) * 1000)::float8 AS summary_ms,
              (extract(epoch FROM now()) * 1000)::float8 AS db_ms
         FROM opsbot.run_history_scan FOR UPDATE SKIP LOCKED`,
    );
    if (rows.length === 0) return; // another caller is refreshing it
    // Never past the database's own clock: a replica whose clock runs ahead must not mark
    // hours as counted before their runs are written.
    const until = Math.min(now.getTime(), rows[0]!.db_ms);
    const from = floorHour(Math.max(rows[0]!.ms - RECOUNT_MS, until - KEPT_MS));
    const to = new Date(Math.min(until, from + CHUNK_MS));
    const range = [new Date(from), to];
    // The summaries follow every change to the hours (run-summaries.ts): the recounted
    // hours' change, then the summary hour moved, then the forgotten hours out.
    const summaryHour = rows[0]!.summary_ms;
    const changed: ChangedGroups = new Map();
    await recount(client, shape, range);
    await applyChange(client, range);
    const hours = { from, before: { day: to.getTime(), week: to.getTime() } };
    await addHours(client, changed, 1, summaryHour, hours, CHANGE);
    // Never back: a database clock set back must not take hours out of the windows.
    const newSummaryHour = Math.max(summaryHour, floorHour(to.getTime()));
    await moveSummaryHour(client, changed, summaryHour, newSummaryHour);
    const forget = until - KEPT_MS;
    await addHours(client, changed, -1, newSummaryHour, {
      from: -Infinity,
      before: { day: forget, week: forget },
    });
    for (const table of ["run_hours", "run_durations"]) {
      await client.query(`DELETE FROM opsbot.${table} WHERE hour < $1`, [new Date(forget)]);
    }
    await dropEmpty(client, newSummaryHour !== summaryHour);
    await updatePercentiles(client, changed, bucketSecondsSql);
    await client.query("UPDATE opsbot.run_history_scan SET refreshed_to = $1, summary_hour = $2", [
      to,
      new Date(newSummaryHour),
    ]);
  });
}
