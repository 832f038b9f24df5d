import type { Pool, PoolClient } from "pg";
import type { Alert } from "../alerts/types.js";
import { withTransaction } from "../db/transaction.js";
import { AM_KIND, runbookOf, type ReceivedAlert } from "./payload.js";

type Db = Pool | PoolClient;

/** Within one batch the last word on a fingerprint wins (one upsert may touch a row once). */
function lastPerFingerprint(alerts: readonly ReceivedAlert[]): ReceivedAlert[] {
  return [...new Map(alerts.map((a) => [a.fingerprint, a])).values()];
}

export interface StoreOutcome {
  /** Alerts written (the last word per fingerprint). */
  stored: number;
  /** New firing alerts left out: ALERTMANAGER_MAX_FIRING were firing already. */
  overFiring: number;
}

/**
 * Of a batch, what fits under the cap of firing alerts: resolutions and alerts already
 * firing always, new firing ones (critical first) while there is room. Runs under the
 * batch lock, so the count holds until COMMIT.
 */
async function withinFiringCap(
  db: PoolClient,
  batch: readonly ReceivedAlert[],
  maxFiring: number,
): Promise<ReceivedAlert[]> {
  const firing = batch.filter((a) => a.status === "firing");
  if (firing.length === 0) return [...batch];
  const { rows } = await db.query<{ firing: number; already: string[] }>(
    `SELECT count(*)::int AS firing,
            coalesce(array_agg(fingerprint) FILTER (WHERE fingerprint = ANY($1)), '{}') AS already
       FROM opsbot.am_alerts WHERE status = 'firing'`,
    [firing.map((a) => a.fingerprint)],
  );
  const already = new Set(rows[0]!.already);
  let room = maxFiring - rows[0]!.firing;
  const admitted = new Set<string>();
  for (const severity of ["critical", "warning"] as const) {
    for (const a of firing) {
      if (a.severity !== severity || already.has(a.fingerprint) || room <= 0) continue;
      admitted.add(a.fingerprint);
      room--;
    }
  }
  return batch.filter(
    (a) => a.status === "resolved" || already.has(a.fingerprint) || admitted.has(a.fingerprint),
  );
}

/**
 * Stores a batch in one transaction, one statement for any number of alerts, batches one
 * at a time. A firing alert that is not newer than the episode already resolved under its
 * fingerprint (a retried, late notification) changes nothing: an alert is resolved once.
 * New firing alerts beyond `maxFiring` firing in all are left out and counted.
 */
export async function storeAlerts(
  pool: Pool,
  alerts: readonly ReceivedAlert[],
  now: Date,
  maxFiring = Number.POSITIVE_INFINITY,
): Promise<StoreOutcome> {
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('opsbot.am_alerts'))");
    const unique = lastPerFingerprint(alerts);
    const batch = await withinFiringCap(client, unique, maxFiring);
    const column = <T>(pick: (a: ReceivedAlert) => T) => batch.map(pick);
    if (batch.length > 0) {
      await client.query(
        `INSERT INTO opsbot.am_alerts AS am
           (fingerprint, status, severity, summary, labels, annotations, starts_at, ends_at,
            generator_url, received_at)
         SELECT f, s, sev, sum, l::jsonb, an::jsonb, st, en, g, $10
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::timestamptz[], $8::timestamptz[], $9::text[])
             AS b(f, s, sev, sum, l, an, st, en, g)
         ON CONFLICT (fingerprint) DO UPDATE SET
           status = EXCLUDED.status, severity = EXCLUDED.severity, summary = EXCLUDED.summary,
           labels = EXCLUDED.labels, annotations = EXCLUDED.annotations,
           starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
           generator_url = EXCLUDED.generator_url, received_at = EXCLUDED.received_at
         -- startsAt names the episode: a late notice of an earlier one changes nothing, nor
         -- does a retried "firing" of the episode already resolved. A firing of that episode
         -- that ends after the resolution is news (Alertmanager resolved it on its
         -- resolve_timeout, then Prometheus sent it again): it fires again.
         WHERE EXCLUDED.starts_at >= am.starts_at
           AND NOT (am.status = 'resolved' AND EXCLUDED.status = 'firing'
                    AND EXCLUDED.starts_at = am.starts_at
                    AND NOT coalesce(EXCLUDED.ends_at > am.ends_at, false))`,
        [
          column((a) => a.fingerprint),
          column((a) => a.status),
          column((a) => a.severity),
          column((a) => a.summary),
          column((a) => JSON.stringify(a.labels)),
          column((a) => JSON.stringify(a.annotations)),
          column((a) => a.startsAt),
          column((a) => a.endsAt),
          column((a) => a.generatorUrl),
          now,
        ],
      );
    }
    return { stored: batch.length, overFiring: unique.length - batch.length };
  });
}

/**
 * The firing alerts, as the watcher's "alertmanager" source. Alertmanager's endsAt is not
 * consulted: it notifies only on changes and every repeat_interval, so a still-firing
 * alert's stored endsAt passes routinely; it stays firing until Alertmanager resolves it.
 */
export async function loadFiringAlerts(db: Db): Promise<Alert[]> {
  const { rows } = await db.query<{
    fingerprint: string;
    summary: string;
    severity: "critical" | "warning";
    alertname: string | null;
    runbook_url: string | null;
  }>(
    `SELECT fingerprint, summary, severity, labels->>'alertname' AS alertname,
            annotations->>'runbook_url' AS runbook_url
       FROM opsbot.am_alerts
      WHERE status = 'firing' ORDER BY starts_at, fingerprint`,
  );
  return rows.map((r) => {
    const runbook = runbookOf(r.alertname, r.runbook_url);
    return {
      fingerprint: r.fingerprint,
      kind: AM_KIND,
      source: "alertmanager",
      summary: r.summary,
      severity: r.severity,
      ...(runbook ? { runbook } : {}),
    };
  });
}
