/** opsbot.incidents and incident_alerts (migration 0017): opened by pages, closed by resolutions. */
import type { PoolClient } from "pg";
import type { Severity } from "../alerts/types.js";

/** A critical alert a page carried: the episode that joins an incident. */
export interface PagedAlert {
  fingerprint: string;
  kind: string;
  severity: Severity;
  summary: string;
  firingSince: Date;
}

/** A page joins the incident opened this recently, while it is open. */
export const JOIN_WINDOW_MS = 10 * 60_000;
// Any constant: pages of two replicas queue on it instead of opening two incidents.
const INCIDENTS_LOCK_KEY = 7_146_017;

/**
 * A page of critical alerts, inside the transaction that marks it sent: its episodes join
 * the latest incident opened in the last JOIN_WINDOW_MS that is still open, or open a new
 * one. Returns the incident's number; undefined when every episode already belongs to one.
 */
export async function joinIncident(
  tx: PoolClient,
  alerts: readonly PagedAlert[],
  now: Date,
): Promise<number | undefined> {
  if (alerts.length === 0) return undefined;
  await tx.query("SELECT pg_advisory_xact_lock($1)", [INCIDENTS_LOCK_KEY]);
  const { rows: known } = await tx.query<{ fingerprint: string }>(
    `SELECT fingerprint FROM opsbot.incident_alerts
      WHERE fingerprint = ANY($1) AND resolved_at IS NULL`,
    [alerts.map((a) => a.fingerprint)],
  );
  const taken = new Set(known.map((r) => r.fingerprint));
  const fresh = alerts.filter((a) => !taken.has(a.fingerprint));
  if (fresh.length === 0) return undefined;
  const { rows: open } = await tx.query<{ id: number }>(
    `SELECT id FROM opsbot.incidents WHERE closed_at IS NULL AND opened_at >= $1
      ORDER BY opened_at DESC, id DESC LIMIT 1`,
    [new Date(now.getTime() - JOIN_WINDOW_MS)],
  );
  const id =
    open[0]?.id ??
    (
      await tx.query<{ id: number }>(
        "INSERT INTO opsbot.incidents (opened_at) VALUES ($1) RETURNING id",
        [now],
      )
    ).rows[0]!.id;
  const column = <T>(pick: (a: PagedAlert) => T) => fresh.map(pick);
  await tx.query(
    `INSERT INTO opsbot.incident_alerts
       (incident_id, fingerprint, firing_since, kind, severity, summary, paged_at)
     SELECT $1::bigint, *, $7::timestamptz FROM unnest($2::text[], $3::timestamptz[], $4::text[],
                                               $5::text[], $6::text[])
     ON CONFLICT (fingerprint, firing_since) DO NOTHING`,
    [
      id,
      column((a) => a.fingerprint),
      column((a) => a.firingSince),
      column((a) => a.kind),
      column((a) => a.severity),
      column((a) => a.summary),
      now,
    ],
  );
  return id;
}

/**
 * Alerts whose episode ended: their incidents' episodes are resolved, and an incident
 * whose episodes have all resolved closes. Matched by fingerprint: an alert has one
 * episode open at a time.
 */
export async function resolveIncidentAlerts(
  tx: PoolClient,
  fingerprints: readonly string[],
  now: Date,
): Promise<void> {
  if (fingerprints.length === 0) return;
  const { rowCount } = await tx.query(
    `UPDATE opsbot.incident_alerts SET resolved_at = $2
      WHERE fingerprint = ANY($1) AND resolved_at IS NULL`,
    [fingerprints, now],
  );
  if (!rowCount) return;
  await tx.query(
    `UPDATE opsbot.incidents i SET closed_at = $1
      WHERE closed_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM opsbot.incident_alerts ia
         WHERE ia.incident_id = i.id AND ia.resolved_at IS NULL)`,
    [now],
  );
}
