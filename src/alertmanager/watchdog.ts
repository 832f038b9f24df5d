import type { Pool } from "pg";
import type { Alert } from "../alerts/types.js";
import { formatUtc } from "../clock.js";
import { storeAlerts, type StoreOutcome } from "./am-store.js";
import type { ReceivedAlert } from "./payload.js";

export interface WatchdogOptions {
  /** WATCHDOG_ALERTNAME: the always-firing alert that proves the Prometheus path works. */
  alertname: string;
  /** WATCHDOG_MINUTES without it after it was once seen: watchdog_missing. */
  minutes: number;
}

/** A batch split: the watchdog's arrivals (never shown as alerts) and every other alert. */
export function splitWatchdog(
  alerts: readonly ReceivedAlert[],
  alertname: string,
): { watchdog: boolean; others: ReceivedAlert[] } {
  const others = alerts.filter((a) => a.labels.alertname !== alertname);
  return { watchdog: others.length < alerts.length, others };
}

/** Stores a batch: the watchdog's arrival is recorded, never stored as an alert; the rest are. */
export async function storeBatch(
  pool: Pool,
  alerts: readonly ReceivedAlert[],
  now: Date,
  options: { watchdogName: string; maxFiring: number },
): Promise<StoreOutcome> {
  const { watchdog, others } = splitWatchdog(alerts, options.watchdogName);
  if (watchdog) await recordWatchdog(pool, options.watchdogName, now);
  return storeAlerts(pool, others, now, options.maxFiring);
}

export async function recordWatchdog(pool: Pool, alertname: string, at: Date): Promise<void> {
  await pool.query(
    `INSERT INTO opsbot.watchdog (alertname, last_seen_at) VALUES ($1, $2)
     ON CONFLICT (alertname) DO UPDATE SET last_seen_at = GREATEST(opsbot.watchdog.last_seen_at, EXCLUDED.last_seen_at)`,
    [alertname, at],
  );
}

/** watchdog_missing while the watchdog, once seen, has been away for WATCHDOG_MINUTES. */
export async function watchdogAlerts(
  pool: Pool,
  options: WatchdogOptions,
  now: Date,
): Promise<Alert[]> {
  const { rows } = await pool.query<{ last_seen_at: Date }>(
    "SELECT last_seen_at FROM opsbot.watchdog WHERE alertname = $1",
    [options.alertname],
  );
  const lastSeen = rows[0]?.last_seen_at;
  if (lastSeen === undefined) return [];
  const awayMinutes = (now.getTime() - lastSeen.getTime()) / 60_000;
  if (awayMinutes < options.minutes) return [];
  return [
    {
      fingerprint: "watchdog_missing",
      kind: "watchdog_missing",
      source: "alertmanager",
      summary: `Alertmanager's ${options.alertname} alert last arrived ${Math.floor(awayMinutes)} min ago (${formatUtc(lastSeen)}): the Prometheus → Alertmanager path is broken`,
      facts: {
        alertname: options.alertname,
        minutes: Math.floor(awayMinutes),
        lastAt: lastSeen.toISOString(),
      },
    },
  ];
}
