-- Flapping (FLAP_CHANGES) and the scheduled report (REPORT_CRON).
-- Flapping: each alert's recent state changes and whether it flaps, kept with its state so
-- restarts and replicas agree; and the two messages it adds to the outbox.

-- Its latest fire/resolve times within the hour (at most FLAP_CHANGES), oldest first.
ALTER TABLE opsbot.alerts ADD COLUMN IF NOT EXISTS state_changes timestamptz[] NOT NULL DEFAULT '{}';
-- Marked flapping since then: its fire/resolve messages are held until it keeps one state an hour.
ALTER TABLE opsbot.alerts ADD COLUMN IF NOT EXISTS flapping_since timestamptz;
-- Every tick reads the flapping alerts (few) to see whether they settled.
CREATE INDEX IF NOT EXISTS alerts_flapping ON opsbot.alerts (fingerprint)
  WHERE flapping_since IS NOT NULL;

-- flapping: alerts just marked flapping; settled: flapping alerts that kept one state an hour.
ALTER TABLE opsbot.outbox DROP CONSTRAINT IF EXISTS outbox_kind_check;
ALTER TABLE opsbot.outbox ADD CONSTRAINT outbox_kind_check
  CHECK (kind IN ('firing', 'repeat', 'resolved', 'flapping', 'settled'));

-- A flapping alert that settles firing is paged by its settled message: escalation reads both.
DROP INDEX IF EXISTS opsbot.outbox_sent_firing;
CREATE INDEX IF NOT EXISTS outbox_sent_pages ON opsbot.outbox (sent_at)
  WHERE kind IN ('firing', 'settled');

-- One row per REPORT_CRON slot claimed by a replica: N replicas, one weekly report.
CREATE TABLE IF NOT EXISTS opsbot.report_posts (
  slot_at     timestamptz PRIMARY KEY,
  claimed_at  timestamptz NOT NULL
);

-- /report's rollup of opsbot.alert_events: one row per episode (a fire to the next), with its
-- first page, first ack and resolution, so /report 30d reads the pages (thousands), not every
-- event (100,000 and more). Filled in id order by src/reports/episodes.ts.
CREATE TABLE IF NOT EXISTS opsbot.alert_episodes (
  id           bigserial PRIMARY KEY,
  fingerprint  text NOT NULL,
  kind         text NOT NULL,
  severity     text NOT NULL,
  fired_at     timestamptz NOT NULL,
  paged_at     timestamptz,
  acked_at     timestamptz,
  resolved_at  timestamptz
);
-- An event's episode: its fingerprint's latest fire at or before it.
CREATE INDEX IF NOT EXISTS alert_episodes_fingerprint ON opsbot.alert_episodes (fingerprint, fired_at);
-- The noisiest kinds and alerts of a window, from the index alone.
CREATE INDEX IF NOT EXISTS alert_episodes_fired ON opsbot.alert_episodes (fired_at)
  INCLUDE (kind, fingerprint);
CREATE INDEX IF NOT EXISTS alert_episodes_paged ON opsbot.alert_episodes (paged_at)
  WHERE paged_at IS NOT NULL;
-- How far alert_events are rolled up (the last event id read).
CREATE TABLE IF NOT EXISTS opsbot.alert_episodes_scan (
  id             integer PRIMARY KEY CHECK (id = 1),
  last_event_id  bigint NOT NULL
);
INSERT INTO opsbot.alert_episodes_scan (id, last_event_id) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

-- Each time an alert was marked flapping (FLAP_CHANGES): /report's flapping alerts.
CREATE TABLE IF NOT EXISTS opsbot.flap_marks (
  at           timestamptz NOT NULL,
  fingerprint  text NOT NULL,
  kind         text NOT NULL
);
CREATE INDEX IF NOT EXISTS flap_marks_at ON opsbot.flap_marks (at);
