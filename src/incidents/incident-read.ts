/** Reads of incidents and what happened while they were open, all from PostgreSQL. */
import type { Severity } from "../alerts/types.js";
import type { Pool } from "../db/pool.js";
import type { AlertEventKind } from "./alert-events.js";
import type {
  ActionEntry,
  ActionStep,
  AlertEntry,
  Incident,
  IncidentAction,
  IncidentAlert,
} from "./types.js";

export async function loadIncident(pool: Pool, number: number): Promise<Incident | undefined> {
  const { rows } = await pool.query<{ id: number; opened_at: Date; closed_at: Date | null }>(
    "SELECT id, opened_at, closed_at FROM opsbot.incidents WHERE id = $1",
    [number],
  );
  const row = rows[0];
  if (!row) return undefined;
  const alerts = await pool.query<{
    fingerprint: string;
    kind: string;
    severity: Severity;
    summary: string;
    firing_since: Date;
    paged_at: Date;
    resolved_at: Date | null;
  }>(
    `SELECT fingerprint, kind, severity, summary, firing_since, paged_at, resolved_at
       FROM opsbot.incident_alerts WHERE incident_id = $1 ORDER BY paged_at, fingerprint`,
    [number],
  );
  return {
    number: row.id,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    alerts: alerts.rows.map((a): IncidentAlert => ({
      fingerprint: a.fingerprint,
      kind: a.kind,
      severity: a.severity,
      summary: a.summary,
      firingSince: a.firing_since,
      pagedAt: a.paged_at,
      resolvedAt: a.resolved_at,
    })),
  };
}

/** The number of the latest open incident, else of the latest closed one (and that it is). */
export async function latestIncident(
  pool: Pool,
): Promise<{ number: number; open: boolean } | undefined> {
  const { rows } = await pool.query<{ id: number; open: boolean }>(
    `(SELECT id, true AS open FROM opsbot.incidents WHERE closed_at IS NULL
       ORDER BY opened_at DESC, id DESC LIMIT 1)
     UNION ALL
     (SELECT id, false FROM opsbot.incidents WHERE closed_at IS NOT NULL
       ORDER BY closed_at DESC, id DESC LIMIT 1)`,
  );
  const row = rows.find((r) => r.open) ?? rows[0];
  return row && { number: row.id, open: row.open };
}

/** How many incidents were opened from `from` (inclusive) to `to` (exclusive). */
export async function countIncidentsOpened(
  pool: Pool,
  window: { from: Date; to: Date },
): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM opsbot.incidents WHERE opened_at >= $1 AND opened_at < $2",
    [window.from, window.to],
  );
  return rows[0]?.n ?? 0;
}

/** What happened to the incident's alerts, each within its episode (fired to resolved). */
export async function loadAlertEntries(pool: Pool, number: number): Promise<AlertEntry[]> {
  const { rows } = await pool.query<{
    at: Date;
    event: AlertEventKind;
    fingerprint: string;
    kind: string;
    actor_id: number | null;
    actor_name: string | null;
    detail: string | null;
  }>(
    `SELECT e.at, e.event, e.fingerprint, e.kind, e.actor_id, e.actor_name, e.detail
       FROM opsbot.incident_alerts ia
       JOIN opsbot.alert_events e ON e.fingerprint = ia.fingerprint
        AND e.at >= ia.firing_since AND e.at <= COALESCE(ia.resolved_at, 'infinity')
      WHERE ia.incident_id = $1
      ORDER BY e.at, e.id`,
    [number],
  );
  return rows.map((r) => {
    const actor = {
      ...(r.actor_id !== null ? { id: r.actor_id } : {}),
      ...(r.actor_name !== null ? { name: r.actor_name } : {}),
    };
    return {
      type: "alert",
      at: r.at,
      event: r.event,
      fingerprint: r.fingerprint,
      kind: r.kind,
      ...(Object.keys(actor).length > 0 ? { actor } : {}),
      ...(r.detail !== null ? { detail: r.detail } : {}),
    };
  });
}

const ACTION_STEPS: readonly ActionStep[] = ["started", "finished", "verified", "interrupted"];

/** Deploys' and rollbacks' steps from `from` to `to` (both inclusive), from their audit trail. */
export async function loadActionEntries(
  pool: Pool,
  window: { from: Date; to: Date },
): Promise<ActionEntry[]> {
  const { rows } = await pool.query<{
    id: string;
    kind: IncidentAction["kind"];
    ref: string;
    state: string;
    requested_by_name: string;
    confirmed_by_name: string | null;
    started_at: Date | null;
    finished_at: Date | null;
    at: Date;
    event: ActionStep;
    detail: { outcome?: string; healthy?: boolean } | null;
  }>(
    `SELECT a.id, a.kind, a.ref, a.state, a.requested_by_name, a.confirmed_by_name,
            a.started_at, a.finished_at, au.at, au.event, au.detail
       FROM opsbot.audit au JOIN opsbot.actions a ON a.id = au.action_id
      WHERE au.at >= $1 AND au.at <= $2 AND au.event = ANY($3)
      ORDER BY au.at, au.id`,
    [window.from, window.to, ACTION_STEPS],
  );
  return rows.map((r) => ({
    type: "action",
    at: r.at,
    step: r.event,
    action: {
      id: r.id,
      kind: r.kind,
      ref: r.ref,
      state: r.state,
      requestedBy: r.requested_by_name,
      confirmedBy: r.confirmed_by_name,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    },
    ...(r.event === "finished" && r.detail?.outcome !== undefined
      ? { outcome: r.detail.outcome }
      : {}),
    ...(r.event === "verified" && r.detail?.healthy !== undefined
      ? { healthy: r.detail.healthy }
      : {}),
  }));
}
