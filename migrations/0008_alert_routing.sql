-- Alert routing, severity, acknowledgement and maintenance windows.

-- The severity an alert carries itself (Alertmanager's label); NULL: its kind's default.
ALTER TABLE opsbot.alerts ADD COLUMN IF NOT EXISTS severity text
  CHECK (severity IN ('critical', 'warning'));
-- Who acknowledged the current episode; cleared when a new episode starts.
ALTER TABLE opsbot.alerts ADD COLUMN IF NOT EXISTS acked_by text;
ALTER TABLE opsbot.alerts ADD COLUMN IF NOT EXISTS acked_at timestamptz;

-- Outbox rows already name their destination (chat_id, thread_id); each destination is
-- now delivered and backed off on its own, so its pending rows are read together.
CREATE INDEX IF NOT EXISTS outbox_pending_destination ON opsbot.outbox (chat_id, thread_id, id)
  WHERE sent_at IS NULL AND cancelled_at IS NULL;

-- A silence may start later (a maintenance window), so a key may hold several windows:
-- one row per window. Existing silences started when they were created.
ALTER TABLE opsbot.silences ADD COLUMN IF NOT EXISTS starts_at timestamptz;
UPDATE opsbot.silences SET starts_at = created_at WHERE starts_at IS NULL;
ALTER TABLE opsbot.silences ALTER COLUMN starts_at SET NOT NULL;
ALTER TABLE opsbot.silences ALTER COLUMN starts_at SET DEFAULT now();
ALTER TABLE opsbot.silences DROP CONSTRAINT IF EXISTS silences_pkey;
ALTER TABLE opsbot.silences ADD COLUMN IF NOT EXISTS id bigserial PRIMARY KEY;
CREATE INDEX IF NOT EXISTS silences_matcher ON opsbot.silences (matcher, until);
