-- Alerts received from Alertmanager (POST /alertmanager): one row per alert, keyed like
-- the watcher's fingerprints (am:<alertname>:<Alertmanager's fingerprint>). The watcher
-- reads the firing ones as its "alertmanager" source; the rest is kept for inspection.
CREATE TABLE IF NOT EXISTS opsbot.am_alerts (
  fingerprint    text PRIMARY KEY,
  status         text NOT NULL CHECK (status IN ('firing', 'resolved')),
  severity       text NOT NULL CHECK (severity IN ('critical', 'warning')),
  summary        text NOT NULL,
  labels         jsonb NOT NULL,
  annotations    jsonb NOT NULL,
  starts_at      timestamptz NOT NULL,
  -- Alertmanager's endsAt: when it would consider a firing alert over; null if not given.
  ends_at        timestamptz,
  generator_url  text,
  received_at    timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS am_alerts_firing ON opsbot.am_alerts (fingerprint)
  WHERE status = 'firing';
CREATE INDEX IF NOT EXISTS am_alerts_resolved ON opsbot.am_alerts (received_at)
  WHERE status = 'resolved';
