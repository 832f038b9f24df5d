import type { Pool } from "../db/pool.js";
import type { ReportWindow } from "./report-window.js";

/**
 * What /report reads from opsbot.alert_events in one statement, so the window's events are
 * read and sorted once (by fingerprint and time, for the episodes and the hourly changes):
 * /report 30d over 100,000 state changes stays within 50 ms (docs/benchmarks.md).
 */
export interface EventFigures {
  pages: number;
  pagesOutsideHours: number;
  /** By day in the zone, oldest first; days without a page left out. */
  pagesPerDay: { day: string; pages: number }[];
  /** Milliseconds, p50 and p90 (interpolated); null without any. */
  mtta: Percentiles;
  mttr: Percentiles;
  noisiestKinds: { kind: string; fired: number }[];
  noisiestAlerts: { fingerprint: string; kind: string; fired: number }[];
  /** Alerts whose fire/resolve changes within an hour reached `flapChanges`, most first. */
  flapping: { fingerprint: string; kind: string; changesInHour: number }[];
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
}

export interface EventQuery {
  window: ReportWindow;
  /** ONCALL_TZ: working hours and days are read in it. */
  tz: string;
  flapChanges: number;
  /** How many kinds, alerts and flapping alerts to list. */
  top: number;
}

export async function readEventFigures(pool: Pool, query: EventQuery): Promise<EventFigures> {
  const { rows } = await pool.query<{ figures: EventFigures }>(EVENT_FIGURES_SQL, [
    query.window.from,
    query.window.to,
    query.tz,
    query.flapChanges,
    query.top,
  ]);
  return rows[0]!.figures;
}

/**
 * An episode is a fingerprint's events from one `fired` to the next. Of the episodes that
 * paged (and started in the window), MTTA is the first page to the first ack after it, MTTR
 * the fire to the resolution: on call's figures, not those of warnings nobody was woken for. Working hours: 09:00-19:00, Monday to Friday, local time.
 */
const EVENT_FIGURES_SQL = `
WITH ev AS MATERIALIZED (
  SELECT fingerprint, kind, event, at, (at AT TIME ZONE $3) AS local_at,
         count(*) FILTER (WHERE event = 'fired') OVER episode AS episode,
         count(*) FILTER (WHERE event IN ('fired', 'resolved')) OVER last_hour AS changes_in_hour
    FROM opsbot.alert_events
   WHERE at > $1 AND at <= $2 AND event IN ('fired', 'resolved', 'paged', 'acked')
  WINDOW episode AS (PARTITION BY fingerprint ORDER BY at, id ROWS UNBOUNDED PRECEDING),
         last_hour AS (PARTITION BY fingerprint ORDER BY at
                       RANGE BETWEEN interval '1 hour' PRECEDING AND CURRENT ROW)
),
episodes AS (
  SELECT min(at) FILTER (WHERE event = 'fired') AS fired_at,
         min(at) FILTER (WHERE event = 'paged') AS paged_at,
         min(at) FILTER (WHERE event = 'resolved') AS resolved_at,
         array_agg(at ORDER BY at) FILTER (WHERE event = 'acked') AS acks
    FROM ev WHERE episode > 0 GROUP BY fingerprint, episode
),
durations AS (
  SELECT (SELECT min(a) FROM unnest(acks) a WHERE a >= paged_at) - paged_at AS to_ack,
         CASE WHEN paged_at IS NOT NULL THEN resolved_at - fired_at END AS to_resolve
    FROM episodes
),
pages AS (
  SELECT local_at FROM ev WHERE event = 'paged'
),
ms AS (
  SELECT extract(epoch FROM to_ack) * 1000 AS to_ack, extract(epoch FROM to_resolve) * 1000 AS to_resolve
    FROM durations
)
SELECT json_build_object(
  'pages', (SELECT count(*) FROM pages),
  'pagesOutsideHours', (SELECT count(*) FROM pages
     WHERE extract(isodow FROM local_at) > 5 OR local_at::time < '09:00' OR local_at::time >= '19:00'),
  'pagesPerDay', (SELECT coalesce(json_agg(json_build_object('day', day, 'pages', n) ORDER BY day), '[]')
     FROM (SELECT to_char(local_at, 'YYYY-MM-DD') AS day, count(*) AS n FROM pages GROUP BY 1) d),
  'mtta', (SELECT json_build_object('count', count(to_ack),
     'p50', percentile_cont(0.5) WITHIN GROUP (ORDER BY to_ack),
     'p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY to_ack)) FROM ms WHERE to_ack IS NOT NULL),
  'mttr', (SELECT json_build_object('count', count(to_resolve),
     'p50', percentile_cont(0.5) WITHIN GROUP (ORDER BY to_resolve),
     'p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY to_resolve)) FROM ms WHERE to_resolve IS NOT NULL),
  'noisiestKinds', (SELECT coalesce(json_agg(json_build_object('kind', kind, 'fired', n) ORDER BY n DESC, kind), '[]')
     FROM (SELECT kind, count(*) AS n FROM ev WHERE event = 'fired'
            GROUP BY kind ORDER BY n DESC, kind LIMIT $5) k),
  'noisiestAlerts', (SELECT coalesce(json_agg(json_build_object('fingerprint', fingerprint, 'kind', kind, 'fired', n)
       ORDER BY n DESC, fingerprint), '[]')
     FROM (SELECT fingerprint, min(kind) AS kind, count(*) AS n FROM ev WHERE event = 'fired'
            GROUP BY fingerprint ORDER BY n DESC, fingerprint LIMIT $5) f),
  'flapping', (SELECT coalesce(json_agg(json_build_object('fingerprint', fingerprint, 'kind', kind,
       'changesInHour', n) ORDER BY n DESC, fingerprint), '[]')
     FROM (SELECT fingerprint, min(kind) AS kind, max(changes_in_hour) AS n FROM ev
            WHERE $4::int > 0 AND event IN ('fired', 'resolved')
            GROUP BY fingerprint HAVING max(changes_in_hour) >= $4::int
            ORDER BY n DESC, fingerprint LIMIT $5) fl)
) AS figures`;

export interface SilenceInForce {
  matcher: string;
  startsAt: Date;
  until: Date;
  createdBy: string;
}

/** The silences in force now, the longest first. */
export async function readLongestSilences(
  pool: Pool,
  now: Date,
  top: number,
): Promise<SilenceInForce[]> {
  const { rows } = await pool.query<{
    matcher: string;
    starts_at: Date;
    until: Date;
    created_by: string;
  }>(
    `SELECT matcher, starts_at, until, created_by FROM opsbot.silences
      WHERE starts_at <= $1 AND until > $1
      ORDER BY until - starts_at DESC, matcher LIMIT $2`,
    [now, top],
  );
  return rows.map((r) => ({
    matcher: r.matcher,
    startsAt: r.starts_at,
    until: r.until,
    createdBy: r.created_by,
  }));
}

/** Claims a REPORT_CRON slot: true for the one replica that posts it. */
export async function claimReportSlot(pool: Pool, slot: Date, now: Date): Promise<boolean> {
  const { rowCount } = await pool.query(
    `INSERT INTO opsbot.report_posts (slot_at, claimed_at) VALUES ($1, $2)
     ON CONFLICT (slot_at) DO NOTHING`,
    [slot, now],
  );
  return rowCount === 1;
}
