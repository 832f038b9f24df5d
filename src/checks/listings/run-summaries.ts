import type { PoolClient } from "pg";

/**
 * Per job type and project, the sums /runs shows over the 24 h and 7 d windows ending at
 * the summary hour W (migration 0010): opsbot.run_summaries (counts and percentiles) and
 * opsbot.run_summary_durations (the windows' duration histograms). The invariant: they are
 * the sums over the hours of opsbot.run_hours / run_durations within the windows of W, so
 * every change to those hours, or to W, goes through `addHours`. A window holds the hours
 * from W − 24 h (W − 168 h) to W inclusive, as /runs' hourly windows did.
 */
const SPANS = { day: "24 hours", week: "168 hours" } as const;
type Span = keyof typeof SPANS;
const HOUR_MS = 3_600_000;

/** Epoch milliseconds; ±Infinity for an open end. */
type Bound = number;
/** A bound as a timestamptz parameter. */
const at = (bound: Bound) =>
  Number.isFinite(bound) ? new Date(bound) : bound > 0 ? "infinity" : "-infinity";

interface Hours {
  /** Hours h with from ≤ h < before[span] (within the windows of `anchor`). */
  from: Bound;
  before: Record<Span, Bound>;
}

/** Tables of hours: the kept ones, or a refresh's change to them (run-history.ts). */
export interface HourTables {
  /** hour, job_type, project_id, runs, ok, failed */
  counts: string;
  /** hour, job_type, project_id, bucket, runs */
  durations: string;
}
const KEPT: HourTables = { counts: "opsbot.run_hours", durations: "opsbot.run_durations" };

/** Groups whose histograms changed, by key: their percentiles are computed again. */
export type ChangedGroups = Map<string, { job_type: string; project_id: string | null }>;

/**
 * Adds (sign 1) or takes out (sign −1) the given hours' counts and histograms, each in the
 * windows of `anchor` it falls in. Groups whose sums do not change are not written.
 */
export async function addHours(
  client: PoolClient,
  changed: ChangedGroups,
  sign: 1 | -1,
  anchor: Bound,
  hours: Hours,
  tables: HourTables = KEPT,
): Promise<void> {
  // $1 sign, $2 anchor, $3 from, $4 before (day), $5 before (week).
  const params = [sign, at(anchor), at(hours.from), at(hours.before.day), at(hours.before.week)];
  const inSpan = (span: Span) =>
    `(h.hour >= greatest($2::timestamptz - interval '${SPANS[span]}', $3::timestamptz)
      AND h.hour <= $2::timestamptz AND h.hour < $${span === "day" ? 4 : 5}::timestamptz)`;
  const where = `${inSpan("day")} OR ${inSpan("week")}`;
  const sum = (column: string, span: Span) =>
    `$1::int * coalesce(sum(h.${column}) FILTER (WHERE ${inSpan(span)}), 0)`;
  const countColumns = (["day", "week"] as const).flatMap((span) =>
    ["runs", "ok", "failed"].map((c) => ({ name: `${c}_${span}`, sum: sum(c, span) })),
  );
  const durationColumns = (["day", "week"] as const).map((span) => ({
    name: span,
    sum: sum("runs", span),
  }));
  const added = (columns: { name: string }[]) =>
    columns.map(({ name }) => `${name} = s.${name} + excluded.${name}`).join(", ");
  const sums = (columns: { sum: string }[]) => columns.map((c) => c.sum).join(", ");
  const nonZero = (columns: { sum: string }[]) =>
    `ROW(${sums(columns)}) <> ROW(${columns.map(() => "0").join(", ")})`;
  await client.query(
    `INSERT INTO opsbot.run_summaries AS s (job_type, project_id, ${countColumns.map((c) => c.name).join(", ")})
     SELECT h.job_type, h.project_id, ${sums(countColumns)}
       FROM ${tables.counts} h WHERE ${where} GROUP BY 1, 2 HAVING ${nonZero(countColumns)}
     ON CONFLICT (job_type, project_id) DO UPDATE SET ${added(countColumns)}`,
    params,
  );
  const { rows } = await client.query<{ job_type: string; project_id: string | null }>(
    `INSERT INTO opsbot.run_summary_durations AS s (job_type, project_id, bucket, day, week)
     SELECT h.job_type, h.project_id, h.bucket, ${sums(durationColumns)}
       FROM ${tables.durations} h WHERE ${where} GROUP BY 1, 2, 3 HAVING ${nonZero(durationColumns)}
     ON CONFLICT (job_type, project_id, bucket) DO UPDATE SET ${added(durationColumns)}
     RETURNING s.job_type, s.project_id`,
    params,
  );
  for (const row of rows) changed.set(`${row.job_type}/${row.project_id ?? ""}`, row);
}

/**
 * Drops the groups left without runs in the week, and with `buckets` the empty buckets too
 * (harmless to the percentiles, so only once an hour: a scan of every bucket).
 */
export async function dropEmpty(client: PoolClient, buckets: boolean): Promise<void> {
  await client.query("DELETE FROM opsbot.run_summaries WHERE runs_week = 0");
  if (buckets) await client.query("DELETE FROM opsbot.run_summary_durations WHERE week = 0");
}

/** The hours between two summary hours: those leaving the windows, then those entering. */
export async function moveSummaryHour(
  client: PoolClient,
  changed: ChangedGroups,
  from: number,
  to: number,
): Promise<void> {
  if (to === from) return;
  const back = (hours: number) => to - hours * HOUR_MS;
  await addHours(client, changed, -1, from, {
    from: -Infinity,
    before: { day: back(24), week: back(168) },
  });
  // Hours are whole, so the hours after the old summary hour start an hour after it.
  await addHours(client, changed, 1, to, {
    from: from + HOUR_MS,
    before: { day: Infinity, week: Infinity },
  });
}

/**
 * percentile_cont over a window's histogram, as /runs computed it from the hourly buckets:
 * the same interpolation between neighbouring ranks, each run's duration taken as its
 * bucket's (`seconds(bucket)`, SQL). NULL without finished runs.
 */
const percentile = (span: Span, p: number, seconds: (bucket: string) => string) => {
  // The window's total is on every row of the group: as a row's value in FILTER, as max() out.
  const position = (total: string) => `(${p} * (${total} - 1))::float8`;
  const rank = (round: "floor" | "ceil") =>
    seconds(`min(bucket) FILTER (WHERE ${round}(${position(`${span}_total`)}) < ${span}_upto)`);
  const within = `(${position(`max(${span}_total)`)} - floor(${position(`max(${span}_total)`)}))`;
  return `${rank("floor")} + (${rank("ceil")} - ${rank("floor")}) * ${within}`;
};

/** Sets the changed groups' percentiles from their histograms. */
export async function updatePercentiles(
  client: PoolClient,
  changed: ChangedGroups,
  seconds: (bucket: string) => string,
): Promise<void> {
  if (changed.size === 0) return;
  const group = "PARTITION BY job_type, project_id";
  const columns = (["day", "week"] as const).flatMap((span) => [
    `${percentile(span, 0.5, seconds)} AS p50_${span}`,
    `${percentile(span, 0.95, seconds)} AS p95_${span}`,
  ]);
  // NULL project ids (the reference shape) are matched through a key that is never NULL.
  const key = (alias: string) =>
    `${alias}.job_type, coalesce(${alias}.project_id, '00000000-0000-0000-0000-000000000000')`;
  await client.query(
    `WITH c AS (
       SELECT * FROM unnest($1::text[], $2::uuid[]) AS c(job_type, project_id)
     ), upto AS (
       SELECT job_type, project_id, bucket,
              sum(day) OVER (${group} ORDER BY bucket) AS day_upto,
              sum(day) OVER (${group}) AS day_total,
              sum(week) OVER (${group} ORDER BY bucket) AS week_upto,
              sum(week) OVER (${group}) AS week_total
         FROM opsbot.run_summary_durations x WHERE (${key("x")}) IN (SELECT ${key("c")} FROM c)
     ), p AS (
       SELECT job_type, project_id, ${columns.join(", ")} FROM upto GROUP BY job_type, project_id
     ), wanted AS (
       SELECT s.job_type, s.project_id, p.p50_day, p.p95_day, p.p50_week, p.p95_week
         FROM opsbot.run_summaries s LEFT JOIN p ON (${key("s")}) = (${key("p")})
        WHERE (${key("s")}) IN (SELECT ${key("c")} FROM c)
     )
     UPDATE opsbot.run_summaries s
        SET p50_day = w.p50_day, p95_day = w.p95_day, p50_week = w.p50_week, p95_week = w.p95_week
       FROM wanted w
      WHERE (${key("s")}) = (${key("w")})
        AND (s.p50_day, s.p95_day, s.p50_week, s.p95_week)
            IS DISTINCT FROM (w.p50_day, w.p95_day, w.p50_week, w.p95_week)`,
    [[...changed.values()].map((g) => g.job_type), [...changed.values()].map((g) => g.project_id)],
  );
}
