/**
 * What the alert pipeline tells the record, each inside the transaction that makes it
 * happen: state transitions (fired, resolved; a resolution may close an incident) and
 * pages (paged; a page opens or joins an incident).
 */
import type { PoolClient } from "pg";
import { severityOf } from "../alerts/severity.js";
import type { AlertState, NotifiedAlert } from "../alerts/types.js";
import { eventsOf, recordAlertEvents } from "./alert-events.js";
import { joinIncident, resolveIncidentAlerts } from "./incident-store.js";

/**
 * Episodes that began and ended in one tick: each began at its firingSince, ended at its
 * resolvedAt. `paged`: pages delivered while the record could not be written (PostgreSQL's
 * own outage), recorded between the two so their incident opens before it closes.
 */
export async function recordTransitions(
  tx: PoolClient,
  changes: {
    fired: readonly AlertState[];
    resolved: readonly AlertState[];
    paged?: readonly { alerts: NotifiedAlert[]; at: Date }[];
  },
  now: Date,
): Promise<void> {
  await recordAlertEvents(
    tx,
    changes.fired.flatMap((a) => eventsOf([a], "fired", a.firingSince)),
  );
  for (const page of changes.paged ?? []) await recordPage(tx, page.alerts, page.at);
  await recordAlertEvents(
    tx,
    changes.resolved.flatMap((a) => eventsOf([a], "resolved", a.resolvedAt ?? now)),
  );
  await resolveIncidentAlerts(
    tx,
    changes.resolved.map((a) => a.fingerprint),
    now,
  );
}

/**
 * A firing message delivered: its critical alerts are paged now, and they open an
 * incident or join the one open. Warnings page nobody.
 */
export async function recordPage(
  tx: PoolClient,
  announced: readonly NotifiedAlert[],
  now: Date,
): Promise<void> {
  const critical = announced.filter((a) => severityOf(a) === "critical");
  if (critical.length === 0) return;
  await recordAlertEvents(tx, eventsOf(critical, "paged", now));
  await joinIncident(
    tx,
    critical.map((a) => ({
      fingerprint: a.fingerprint,
      kind: a.kind,
      severity: "critical",
      summary: a.summary,
      firingSince: new Date(a.firingSince),
    })),
    now,
  );
}
