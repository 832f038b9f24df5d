/**
 * The record of what happened to each alert (opsbot.alert_events): fired, resolved, paged,
 * escalated (or the private page refused), acked, silenced. Each is written by the code that
 * makes it happen, in its transaction, so N replicas record it once; incidents' timelines and
 * /report read it.
 */
import type { PoolClient } from "pg";
import { severityOf } from "../alerts/severity.js";
import type { Severity } from "../alerts/types.js";
import type { Pool } from "../db/pool.js";

type Db = Pool | PoolClient;

export const ALERT_EVENTS = [
  "fired",
  "resolved",
  "paged",
  "escalated",
  "page_refused",
  "acked",
  "silenced",
] as const;
export type AlertEventKind = (typeof ALERT_EVENTS)[number];

/** Who an event names: whom a step paged, who acked or silenced. */
export interface EventActor {
  id?: number | undefined;
  name?: string | undefined;
}

/** Someone the team knows: a Telegram user id and the name shown. */
export interface Person {
  id: number;
  name: string;
}

/** The alert an event is about: its severity is its own, else its kind's. */
export interface EventAlert {
  fingerprint: string;
  kind: string;
  severity?: Severity | undefined;
}

export interface AlertEvent {
  at: Date;
  fingerprint: string;
  kind: string;
  severity: Severity;
  event: AlertEventKind;
  actor?: EventActor | undefined;
  /** The silence's end (ISO 8601), the escalation step's target, why a page was refused. */
  detail?: string | undefined;
}

/** One event per alert, all alike but for the alert. */
export function eventsOf(
  alerts: readonly EventAlert[],
  event: AlertEventKind,
  at: Date,
  extra: { actor?: EventActor | undefined; detail?: string | undefined } = {},
): AlertEvent[] {
  return alerts.map((a) => ({
    at,
    fingerprint: a.fingerprint,
    kind: a.kind,
    severity: severityOf(a),
    event,
    ...extra,
  }));
}

/** Any number of events in one statement: a storm's thousands are one round trip. */
export async function recordAlertEvents(db: Db, events: readonly AlertEvent[]): Promise<void> {
  if (events.length === 0) return;
  const column = <T>(pick: (e: AlertEvent) => T) => events.map(pick);
  await db.query(
    `INSERT INTO opsbot.alert_events
       (at, fingerprint, kind, severity, event, actor_id, actor_name, detail)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[],
                          $6::bigint[], $7::text[], $8::text[])`,
    [
      column((e) => e.at),
      column((e) => e.fingerprint),
      column((e) => e.kind),
      column((e) => e.severity),
      column((e) => e.event),
      column((e) => e.actor?.id ?? null),
      column((e) => e.actor?.name ?? null),
      column((e) => e.detail ?? null),
    ],
  );
}

/**
 * A silence came in force on `matchers` (exact keys or prefixes ending in "*") at `at`:
 * "silenced" for each alert firing now that it covers, with who and until when; at `at`, or
 * when the alert fired if that was later (a window's start recorded by a later tick).
 */
export async function recordSilenced(
  db: Db,
  matchers: readonly string[],
  silence: { by: EventActor; until: Date },
  at: Date,
): Promise<void> {
  if (matchers.length === 0) return;
  // Exact keys by the primary key; prefixes (rare, few) one by one: a storm's thousands
  // of keys silenced with one press stay one quick statement.
  const prefixes = matchers.filter((m) => m.endsWith("*")).map((m) => m.slice(0, -1));
  const { rows } = await db.query<EventAlert & { severity: Severity | null; firing_since: Date }>(
    `SELECT fingerprint, kind, severity, firing_since FROM opsbot.alerts
      WHERE resolved_at IS NULL AND (fingerprint = ANY($1)
         OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS p(prefix)
                     WHERE left(fingerprint, length(p.prefix)) = p.prefix))
      ORDER BY fingerprint`,
    [matchers.filter((m) => !m.endsWith("*")), prefixes],
  );
  const extra = { actor: silence.by, detail: silence.until.toISOString() };
  await recordAlertEvents(
    db,
    rows.flatMap(({ firing_since, ...alert }) =>
      eventsOf(
        [{ ...alert, severity: alert.severity ?? undefined }],
        "silenced",
        firing_since > at ? firing_since : at,
        extra,
      ),
    ),
  );
}
