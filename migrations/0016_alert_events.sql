-- What happened to each alert, in order: the record incidents' timelines, /report and
-- flapping are read from. One row per event; written by the replica that made it happen, in
-- the transaction that made it (so N replicas record it once).
CREATE TABLE IF NOT EXISTS opsbot.alert_events (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL,
  fingerprint  text NOT NULL,
  kind         text NOT NULL,
  severity     text NOT NULL,
  event        text NOT NULL
    CHECK (event IN ('fired', 'resolved', 'paged', 'escalated', 'acked', 'silenced')),
  -- Who: escalated to, acked by, silenced by (a Telegram user id and the name shown).
  actor_id     bigint,
  actor_name   text,
  -- What else the event says: the silence's end, the escalation step's target.
  detail       text
);
CREATE INDEX IF NOT EXISTS alert_events_at ON opsbot.alert_events (at);
CREATE INDEX IF NOT EXISTS alert_events_fingerprint_at ON opsbot.alert_events (fingerprint, at);
