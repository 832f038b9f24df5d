import type { Pool, PoolClient } from "pg";
import type { FailureCounts } from "./rules.js";
import type { AlertState, NotifiedAlert, Silence, Source } from "./types.js";

type Db = Pool | PoolClient;

interface AlertRow {
  fingerprint: string;
  kind: string;
  source: Source;
  summary: string;
  firing_since: Date;
  resolved_at: Date | null;
  notified_at: Date | null;
  queued_at: Date | null;
}

const toState = (r: AlertRow): AlertState => ({
  fingerprint: r.fingerprint,
  kind: r.kind,
  source: r.source,
  summary: r.summary,
  firingSince: r.firing_since,
  resolvedAt: r.resolved_at,
  notifiedAt: r.notified_at,
  queuedAt: r.queued_at,
});

/**
 * Every tick reads all firing alerts (thousands in a storm): times travel as epoch
 * milliseconds, which parse several times faster than timestamptz text.
 */
export async function loadOpenAlerts(db: Db): Promise<AlertState[]> {
  const { rows } = await db.query<{
    fingerprint: string;
    kind: string;
    source: Source;
    summary: string;
    firing_ms: number;
    notified_ms: number | null;
    queued_ms: number | null;
  }>(
    `SELECT fingerprint, kind, source, summary,
            (extract(epoch FROM firing_since) * 1000)::float8 AS firing_ms,
            (extract(epoch FROM notified_at) * 1000)::float8 AS notified_ms,
            (extract(epoch FROM queued_at) * 1000)::float8 AS queued_ms
       FROM opsbot.alerts WHERE resolved_at IS NULL ORDER BY firing_since, fingerprint`,
  );
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return rows.map((r) => ({
    fingerprint: r.fingerprint,
    kind: r.kind,
    source: r.source,
    summary: r.summary,
    firingSince: new Date(r.firing_ms),
    resolvedAt: null,
    notifiedAt: date(r.notified_ms),
    queuedAt: date(r.queued_ms),
  }));
}

export async function loadAlerts(db: Db, fingerprints: readonly string[]): Promise<AlertState[]> {
  const { rows } = await db.query<AlertRow>(
    "SELECT * FROM opsbot.alerts WHERE fingerprint = ANY($1)",
    [fingerprints],
  );
  return rows.map(toState);
}

/** One statement for any number of rows: a storm of thousands is one round trip. */
export async function saveAlerts(db: Db, alerts: readonly AlertState[]): Promise<void> {
  if (alerts.length === 0) return;
  const column = <T>(pick: (a: AlertState) => T) => alerts.map(pick);
  await db.query(
    `INSERT INTO opsbot.alerts
       (fingerprint, kind, source, summary, firing_since, resolved_at, notified_at, queued_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                          $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[])
     ON CONFLICT (fingerprint) DO UPDATE SET
       kind = EXCLUDED.kind, source = EXCLUDED.source, summary = EXCLUDED.summary,
       firing_since = EXCLUDED.firing_since, resolved_at = EXCLUDED.resolved_at,
       notified_at = EXCLUDED.notified_at, queued_at = EXCLUDED.queued_at`,
    [
      column((a) => a.fingerprint),
      column((a) => a.kind),
      column((a) => a.source),
      column((a) => a.summary),
      column((a) => a.firingSince),
      column((a) => a.resolvedAt),
      column((a) => a.notifiedAt),
      column((a) => a.queuedAt),
    ],
  );
}

export async function loadFailures(db: Db): Promise<FailureCounts> {
  const { rows } = await db.query<{ component: string; consecutive: number }>(
    "SELECT component, consecutive FROM opsbot.component_failures",
  );
  return Object.fromEntries(rows.map((r) => [r.component, r.consecutive]));
}

export async function saveFailures(
  db: Db,
  failures: FailureCounts,
  reasons: Partial<Record<string, string>> = {},
): Promise<void> {
  const entries = Object.entries(failures);
  await db.query(
    `INSERT INTO opsbot.component_failures (component, consecutive, reason)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
     ON CONFLICT (component) DO UPDATE SET consecutive = EXCLUDED.consecutive,
       reason = EXCLUDED.reason`,
    [entries.map(([k]) => k), entries.map(([, v]) => v), entries.map(([k]) => reasons[k] ?? null)],
  );
}

/** The watcher's checks that were blind on the last tick ("check:<name>" rows), with why. */
export async function loadBlindChecks(db: Db): Promise<{ check: string; reason: string | null }[]> {
  const { rows } = await db.query<{ check: string; reason: string | null }>(
    `SELECT substr(component, 7) AS check, reason FROM opsbot.component_failures
      WHERE component LIKE 'check:%' AND consecutive > 0 ORDER BY component`,
  );
  return rows;
}

export async function loadSilences(db: Db, now: Date): Promise<Silence[]> {
  const { rows } = await db.query<{ matcher: string; until: Date; created_by: string }>(
    "SELECT matcher, until, created_by FROM opsbot.silences WHERE until > $1 ORDER BY matcher",
    [now],
  );
  return rows.map((r) => ({ matcher: r.matcher, until: r.until, createdBy: r.created_by }));
}

/** Any number of matchers in one statement: a storm digest silenced with one press. */
/**
 * Silences the keys until `until`, never shortening one in force for longer. Returns the
 * latest end in force for the keys afterwards (later than `until` when one was longer).
 */
export async function saveSilences(
  db: Db,
  matchers: readonly string[],
  until: Date,
  createdBy: string,
  now: Date,
): Promise<Date> {
  const { rows } = await db.query<{ until: Date }>(
    `INSERT INTO opsbot.silences AS s (matcher, until, created_by, created_at)
     SELECT matcher, $2, $3, $4 FROM unnest($1::text[]) AS matcher
     ON CONFLICT (matcher) DO UPDATE SET until = EXCLUDED.until,
       created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at
       WHERE s.until < EXCLUDED.until
     RETURNING s.until`,
    [matchers, until, createdBy, now],
  );
  if (rows.length === matchers.length) return until;
  const longest = await db.query<{ until: Date }>(
    "SELECT max(until) AS until FROM opsbot.silences WHERE matcher = ANY($1::text[])",
    [matchers],
  );
  return longest.rows[0]?.until ?? until;
}

/** Ends a silence now; false when there was none in force. */
export async function endSilence(db: Db, matcher: string, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE opsbot.silences SET until = $2 WHERE matcher = $1 AND until > $2",
    [matcher, now],
  );
  return rowCount === 1;
}

export const snapshotOf = (a: AlertState): NotifiedAlert => ({
  fingerprint: a.fingerprint,
  kind: a.kind,
  summary: a.summary,
  firingSince: a.firingSince.toISOString(),
  ...(a.resolvedAt ? { resolvedAt: a.resolvedAt.toISOString() } : {}),
});
