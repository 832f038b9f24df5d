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
