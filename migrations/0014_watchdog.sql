-- When Alertmanager's watchdog alert (WATCHDOG_ALERTNAME) last arrived: its absence for
-- WATCHDOG_MINUTES fires watchdog_missing, across restarts and replicas. No row: never seen,
-- so nothing fires.
CREATE TABLE IF NOT EXISTS opsbot.watchdog (
  alertname text PRIMARY KEY,
  last_seen_at timestamptz NOT NULL
);
