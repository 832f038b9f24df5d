import type { Pool, PoolClient } from "pg";
import type { FlapState } from "./flapping.js";
import type { FailureCounts } from "./rules.js";
import { severityOf } from "./severity.js";
import type {
  Alert,
  AlertFacts,
  AlertKind,
  AlertState,
  NotifiedAlert,
  Runbook,
  Severity,
  Silence,
  Source,
} from "./types.js";

type Db = Pool | PoolClient;

/** What an opsbot.alerts row says of its alert, whichever episode columns are read beside. */
interface AlertRow {
  fingerprint: string;
  kind: AlertKind;
  source: Source;
  summary: string;
  facts: AlertFacts | null;
  severity: Severity | null;
  runbook: Runbook | null;
}

const alertOf = (r: AlertRow): Alert => ({
  fingerprint: r.fingerprint,
  kind: r.kind,
  source: r.source,
  summary: r.summary,
  ...(r.facts !== null ? { facts: r.facts } : {}),
  ...(r.severity !== null ? { severity: r.severity } : {}),
  ...(r.runbook !== null ? { runbook: r.runbook } : {}),
});

/**
 * Every tick reads all firing alerts (thousands in a storm): times travel as epoch
 * milliseconds, which parse several times faster than timestamptz text.
 */
export async function loadOpenAlerts(db: Db): Promise<AlertState[]> {
  const { rows } = await db.query<
    AlertRow & {
      firing_ms: number;
      notified_ms: number | null;
      queued_ms: number | null;
      changes_ms: number[] | null;
      flapping_ms: number | null;
    }
  >(
    `SELECT fingerprint, kind, source, summary, facts, severity, runbook,
            (extract(epoch FROM firing_since) * 1000)::float8 AS firing_ms,
            (extract(epoch FROM notified_at) * 1000)::float8 AS notified_ms,
            (extract(epoch FROM queued_at) * 1000)::float8 AS queued_ms,
            ${FLAP_COLUMNS}
       FROM opsbot.alerts WHERE resolved_at IS NULL ORDER BY firing_since, fingerprint`,
  );
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return rows.map((r) => ({
    ...alertOf(r),
    firingSince: new Date(r.firing_ms),
    resolvedAt: null,
    notifiedAt: date(r.notified_ms),
    queuedAt: date(r.queued_ms),
    ...flapOf(r),
  }));
}

// An empty history travels as null: nothing to parse for a storm's thousands of calm alerts.
const FLAP_COLUMNS = `
  CASE WHEN cardinality(state_changes) > 0 THEN
    ARRAY(SELECT (extract(epoch FROM c) * 1000)::float8 FROM unnest(state_changes) c) END
    AS changes_ms,
  (extract(epoch FROM flapping_since) * 1000)::float8 AS flapping_ms`;

const flapOf = (r: {
  changes_ms: number[] | null;
  flapping_ms: number | null;
}): { flap?: FlapState } =>
  r.changes_ms === null && r.flapping_ms === null
    ? {}
    : {
        flap: {
          stateChanges: (r.changes_ms ?? []).map((ms) => new Date(ms)),
          flappingSince: r.flapping_ms === null ? null : new Date(r.flapping_ms),
        },
      };

/**
 * The last episode of alerts that do not fire now (FLAP_CHANGES counts across episodes):
 * of the given fingerprints (firing anew) and of every flapping one (it may have settled).
 */
export async function loadLastEpisodes(
  db: Db,
  fingerprints: readonly string[],
): Promise<Map<string, AlertState>> {
  const { rows } = await db.query<
    AlertRow & {
      firing_since: Date;
      resolved_at: Date;
      notified_at: Date | null;
      changes_ms: number[] | null;
      flapping_ms: number | null;
    }
  >(
    `SELECT fingerprint, kind, source, summary, facts, severity, runbook, firing_since, resolved_at,
            notified_at, ${FLAP_COLUMNS}
       FROM opsbot.alerts
      WHERE resolved_at IS NOT NULL
        AND (fingerprint = ANY($1) OR flapping_since IS NOT NULL)`,
    [fingerprints],
  );
  return new Map(
    rows.map((r) => [
      r.fingerprint,
      {
        ...alertOf(r),
        firingSince: r.firing_since,
        resolvedAt: r.resolved_at,
        notifiedAt: r.notified_at,
        queuedAt: null,
        ...flapOf(r),
      },
    ]),
  );
}

/** How many alerts fire now, by severity (counted per kind, not read one by one). */
export async function countFiring(db: Db): Promise<Record<Severity, number>> {
  const { rows } = await db.query<{ kind: string; severity: Severity | null; n: number }>(
    `SELECT kind, severity, count(*)::int AS n FROM opsbot.alerts
      WHERE resolved_at IS NULL GROUP BY kind, severity`,
  );
  const counts: Record<Severity, number> = { critical: 0, warning: 0 };
  for (const r of rows)
    counts[severityOf({ kind: r.kind, severity: r.severity ?? undefined })] += r.n;
  return counts;
}

/** What an alert says now: its summary and the facts its message is written from. */
export interface AlertWords {
  summary: string;
  facts?: AlertFacts;
}

/**
 * Of the given alerts, those still firing in the episode announced at `announcedAt` (none
 * started since), acknowledged ones too only with `acked`: what they say now, by
 * fingerprint. Only what delivery needs, for a storm's thousands in one small read.
 */
export async function loadStillFiring(
  db: Db,
  fingerprints: readonly string[],
  announcedAt: Date,
  options: { acked: boolean },
): Promise<Map<string, AlertWords>> {
  const { rows } = await db.query<{
    fingerprint: string;
    summary: string;
    facts: AlertFacts | null;
  }>(
    `SELECT fingerprint, summary, facts FROM opsbot.alerts
      WHERE fingerprint = ANY($1) AND resolved_at IS NULL AND firing_since <= $2
        AND ($3 OR acked_by IS NULL)`,
    [fingerprints, announcedAt, options.acked],
  );
  return new Map(
    rows.map((r) => [
      r.fingerprint,
      { summary: r.summary, ...(r.facts !== null ? { facts: r.facts } : {}) },
    ]),
  );
}

/**
 * One statement for any number of rows: a storm of thousands is one round trip. An ack
 * (written by the bot, not the tick) is kept while the episode lasts and cleared when a
 * new one starts: a new episode is not acknowledged.
 */
export async function saveAlerts(db: Db, alerts: readonly AlertState[]): Promise<void> {
  if (alerts.length === 0) return;
  const column = <T>(pick: (a: AlertState) => T) => alerts.map(pick);
  // A row's state changes travel as one array literal each: unnest would flatten arrays.
  await db.query(
    `INSERT INTO opsbot.alerts AS a
       (fingerprint, kind, source, summary, firing_since, resolved_at, notified_at, queued_at,
        severity, runbook, facts, state_changes, flapping_since)
     SELECT f, k, s, m, fs, ra, na, qa, sv, rb, fa, sc::timestamptz[], fl
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                   $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[],
                   $9::text[], $10::jsonb[], $11::jsonb[], $12::text[], $13::timestamptz[])
         AS u(f, k, s, m, fs, ra, na, qa, sv, rb, fa, sc, fl)
     ON CONFLICT (fingerprint) DO UPDATE SET
       kind = EXCLUDED.kind, source = EXCLUDED.source, summary = EXCLUDED.summary,
       firing_since = EXCLUDED.firing_since, resolved_at = EXCLUDED.resolved_at,
       notified_at = EXCLUDED.notified_at, queued_at = EXCLUDED.queued_at,
       severity = EXCLUDED.severity, runbook = EXCLUDED.runbook, facts = EXCLUDED.facts,
       state_changes = EXCLUDED.state_changes, flapping_since = EXCLUDED.flapping_since,
       acked_by = CASE WHEN a.firing_since = EXCLUDED.firing_since THEN a.acked_by END,
       acked_at = CASE WHEN a.firing_since = EXCLUDED.firing_since THEN a.acked_at END`,
    [
      column((a) => a.fingerprint),
      column((a) => a.kind),
      column((a) => a.source),
      column((a) => a.summary),
      column((a) => a.firingSince),
      column((a) => a.resolvedAt),
      column((a) => a.notifiedAt),
      column((a) => a.queuedAt),
      column((a) => a.severity ?? null),
      column((a) => (a.runbook ? JSON.stringify(a.runbook) : null)),
      column((a) => (a.facts ? JSON.stringify(a.facts) : null)),
      column((a) => `{${(a.flap?.stateChanges ?? []).map((at) => at.toISOString()).join(",")}}`),
      column((a) => a.flap?.flappingSince ?? null),
    ],
  );
}

/** Alerts just marked flapping: /report lists them. */
export async function saveFlapMarks(db: Db, alerts: readonly AlertState[], now: Date) {
  if (alerts.length === 0) return;
  await db.query(
    `INSERT INTO opsbot.flap_marks (at, fingerprint, kind)
     SELECT $1, * FROM unnest($2::text[], $3::text[])`,
    [now, alerts.map((a) => a.fingerprint), alerts.map((a) => a.kind)],
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

/** Silences in force now or scheduled to start later (maintenance windows). */
export async function loadSilences(db: Db, now: Date): Promise<Silence[]> {
  const { rows } = await db.query<{
    matcher: string;
    starts_at: Date;
    until: Date;
    created_by: string;
  }>(
    `SELECT matcher, starts_at, until, created_by FROM opsbot.silences
      WHERE until > $1 ORDER BY matcher, starts_at`,
    [now],
  );
  return rows.map((r) => ({
    matcher: r.matcher,
    startsAt: r.starts_at,
    until: r.until,
    createdBy: r.created_by,
  }));
}

/**
 * Silences the keys from `startsAt` to `until`, any number in one statement (a storm
 * digest silenced with one press). Never shortens nor drops anything: a window that
 * overlaps or touches one already stored on the key is merged with it (earliest start,
 * latest end; the older author kept when it already covered the new one), a separate
 * later window is stored beside it. Returns the span of the windows now covering the new
 * one, and which keys are silenced now (the rest start later).
 */
export async function saveSilences(
  db: Db,
  matchers: readonly string[],
  window: { startsAt: Date; until: Date },
  createdBy: string,
  now: Date,
): Promise<{ startsAt: Date; until: Date; inForce: string[] }> {
  const { rows } = await db.query<{
    matcher: string;
    starts_at: Date;
    until: Date;
    start_recorded: boolean;
  }>(
    `WITH merged AS (
       DELETE FROM opsbot.silences s USING unnest($1::text[]) AS w(matcher)
        WHERE s.matcher = w.matcher AND s.until > $5 AND s.starts_at <= $3 AND s.until >= $2
       RETURNING s.matcher, s.starts_at, s.until, s.created_by)
     INSERT INTO opsbot.silences (matcher, starts_at, until, created_by, created_at, start_recorded)
     SELECT w.matcher, LEAST($2, min(m.starts_at)), GREATEST($3, max(m.until)),
            CASE WHEN min(m.starts_at) <= $2 AND max(m.until) >= $3
                 THEN (array_agg(m.created_by ORDER BY m.until DESC))[1] ELSE $4 END,
            $5,
            -- In force already: its creator records it; a later start is the tick's to record.
            LEAST($2, min(m.starts_at)) <= $5
       FROM unnest($1::text[]) AS w(matcher) LEFT JOIN merged m ON m.matcher = w.matcher
      GROUP BY w.matcher
     RETURNING matcher, starts_at, until, start_recorded`,
    [matchers, window.startsAt, window.until, createdBy, now],
  );
  return {
    startsAt: new Date(Math.min(...rows.map((r) => r.starts_at.getTime()))),
    until: new Date(Math.max(...rows.map((r) => r.until.getTime()))),
    inForce: rows.filter((r) => r.start_recorded).map((r) => r.matcher),
  };
}

/** A maintenance window that has started since the last tick, still in force. */
export interface StartedWindow {
  matcher: string;
  startsAt: Date;
  until: Date;
  createdBy: string;
}

/**
 * Windows that started by `now` and were not yet recorded, claimed by this caller alone
 * (the update marks them); those that also ended meanwhile are marked but not returned.
 */
export async function claimStartedWindows(db: Db, now: Date): Promise<StartedWindow[]> {
  const { rows } = await db.query<{
    matcher: string;
    starts_at: Date;
    until: Date;
    created_by: string;
  }>(
    `UPDATE opsbot.silences SET start_recorded = true
      WHERE NOT start_recorded AND starts_at <= $1
      RETURNING matcher, starts_at, until, created_by`,
    [now],
  );
  return rows
    .filter((r) => r.until > now)
    .map((r) => ({
      matcher: r.matcher,
      startsAt: r.starts_at,
      until: r.until,
      createdBy: r.created_by,
    }));
}

/** Which silences /unsilence lifts: one key exactly, or every key starting with a prefix. */
export type SilenceSelector = { key: string } | { prefix: string };

/**
 * Ends the selected silences in force now and cancels their scheduled windows; returns
 * how many keys were silenced (0: none in force or scheduled).
 */
export async function endSilences(db: Db, selector: SilenceSelector, now: Date): Promise<number> {
  const { rows } = await db.query<{ keys: number }>(
    // A scheduled window becomes an empty one ending now: kept as history, matching nothing.
    `WITH ended AS (
       UPDATE opsbot.silences SET starts_at = LEAST(starts_at, $3), until = $3
        WHERE until > $3 AND (matcher = $1 OR left(matcher, length($2::text)) = $2)
       RETURNING matcher)
     SELECT count(DISTINCT matcher)::int AS keys FROM ended`,
    ["key" in selector ? selector.key : null, "prefix" in selector ? selector.prefix : null, now],
  );
  return rows[0]?.keys ?? 0;
}

export const snapshotOf = (a: AlertState): NotifiedAlert => ({
  fingerprint: a.fingerprint,
  kind: a.kind,
  summary: a.summary,
  ...(a.facts ? { facts: a.facts } : {}),
  firingSince: a.firingSince.toISOString(),
  ...(a.resolvedAt ? { resolvedAt: a.resolvedAt.toISOString() } : {}),
  ...(a.severity ? { severity: a.severity } : {}),
  ...(a.runbook ? { runbook: a.runbook } : {}),
  ...(a.flap?.flappingSince ? { stateChanges: a.flap.stateChanges.length } : {}),
});

/**
 * Acknowledges the alerts still firing in the episode a notification announced (created
 * no later than it); returns the alerts acked now. An ack already given stays.
 */
export async function ackAlerts(
  db: Db,
  fingerprints: readonly string[],
  announcedAt: Date,
  by: string,
  now: Date,
): Promise<{ fingerprint: string; kind: string; severity?: Severity }[]> {
  const { rows } = await db.query<{ fingerprint: string; kind: string; severity: Severity | null }>(
    `UPDATE opsbot.alerts SET acked_by = $3, acked_at = $4
      WHERE fingerprint = ANY($1) AND resolved_at IS NULL AND firing_since <= $2
        AND acked_by IS NULL
     RETURNING fingerprint, kind, severity`,
    [fingerprints, announcedAt, by, now],
  );
  return rows.map((r) => ({
    fingerprint: r.fingerprint,
    kind: r.kind,
    ...(r.severity !== null ? { severity: r.severity } : {}),
  }));
}

/** Who acknowledged each firing alert's current episode. */
export async function loadAcks(db: Db): Promise<Map<string, string>> {
  const { rows } = await db.query<{ fingerprint: string; acked_by: string }>(
    "SELECT fingerprint, acked_by FROM opsbot.alerts WHERE resolved_at IS NULL AND acked_by IS NOT NULL",
  );
  return new Map(rows.map((r) => [r.fingerprint, r.acked_by]));
}
