import type { Pool } from "../db/pool.js";
import type { ReportWindow } from "./report-window.js";

/**
 * What /report reads of a window: its pages (episodes that paged) and fires from
 * opsbot.alert_episodes (episodes.ts), its flapping alerts from opsbot.flap_marks, in one
 * statement over opsbot's indexes: /report 30d over 100,000 state changes stays within 50 ms
 * (docs/benchmarks.md).
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
  /** Alerts marked flapping in the window, how many times, most first. */
  flapping: { fingerprint: string; kind: string; times: number }[];
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
  /** How many kinds, alerts and flapping alerts to list. */
  top: number;
}

export async function readEventFigures(pool: Pool, query: EventQuery): Promise<EventFigures> {
  const { rows } = await pool.query<{ figures: EventFigures }>(EVENT_FIGURES_SQL, [
    query.window.from,
    query.window.to,
    query.tz,
    query.top,
  ]);
  return rows[0]!.figures;
}

/**
 * Of the episodes that paged in the window: MTTA is the page to the first ack after it, MTTR
 * the fire to the resolution (on call's figures, not those of warnings nobody was woken
 * for). Working hours: 09:00-19:00, Monday to Friday, local time.
 */
export const EVENT_FIGURES_SQL = `
WITH pages AS MATERIALIZED (
  SELECT paged_at AT TIME ZONE $3 AS local_at,
         CASE WHEN acked_at >= paged_at THEN extract(epoch FROM acked_at - paged_at) * 1000 END AS to_ack,
         extract(epoch FROM resolved_at - fired_at) * 1000 AS to_resolve
    FROM opsbot.alert_episodes WHERE paged_at > $1 AND paged_at <= $2
),
-- One pass over the window's fires, per alert; the kinds are summed from that (few rows).
fired AS MATERIALIZED (
  SELECT fingerprint, min(kind) AS kind, count(*) AS n FROM opsbot.alert_episodes
   WHERE fired_at > $1 AND fired_at <= $2 GROUP BY fingerprint
)
SELECT json_build_object(
  'pages', (SELECT count(*) FROM pages),
  'pagesOutsideHours', (SELECT count(*) FROM pages
     WHERE extract(isodow FROM local_at) > 5 OR local_at::time < '09:00' OR local_at::time >= '19:00'),
  'pagesPerDay', (SELECT coalesce(json_agg(json_build_object('day', day, 'pages', n) ORDER BY day), '[]')
     FROM (SELECT to_char(local_at, 'YYYY-MM-DD') AS day, count(*) AS n FROM pages GROUP BY 1) d),
  'mtta', (SELECT json_build_object('count', count(to_ack),
     'p50', percentile_cont(0.5) WITHIN GROUP (ORDER BY to_ack),
     'p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY to_ack)) FROM pages WHERE to_ack IS NOT NULL),
  'mttr', (SELECT json_build_object('count', count(to_resolve),
     'p50', percentile_cont(0.5) WITHIN GROUP (ORDER BY to_resolve),
     'p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY to_resolve)) FROM pages WHERE to_resolve IS NOT NULL),
  'noisiestKinds', (SELECT coalesce(json_agg(json_build_object('kind', kind, 'fired', n) ORDER BY n DESC, kind), '[]')
     FROM (SELECT kind, sum(n) AS n FROM fired GROUP BY kind ORDER BY n DESC, kind LIMIT $4) k),
  'noisiestAlerts', (SELECT coalesce(json_agg(json_build_object('fingerprint', fingerprint, 'kind', kind, 'fired', n)
       ORDER BY n DESC, fingerprint), '[]')
     FROM (SELECT * FROM fired ORDER BY n DESC, fingerprint LIMIT $4) f),
  'flapping', (SELECT coalesce(json_agg(json_build_object('fingerprint', fingerprint, 'kind', kind, 'times', n)
       ORDER BY n DESC, fingerprint), '[]')
     FROM (SELECT fingerprint, min(kind) AS kind, count(*) AS n FROM opsbot.flap_marks
            WHERE at > $1 AND at <= $2 GROUP BY fingerprint ORDER BY n DESC, fingerprint LIMIT $4) fl)
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
