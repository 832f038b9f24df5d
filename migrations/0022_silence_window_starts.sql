-- A maintenance window that starts later is recorded as "silenced" for the alerts firing
-- when it starts, once across replicas: false until the tick after its start has done so.
-- Windows stored before this are taken as recorded (nothing to catch up on).
ALTER TABLE opsbot.silences ADD COLUMN IF NOT EXISTS start_recorded boolean NOT NULL DEFAULT true;
CREATE INDEX IF NOT EXISTS silences_start_unrecorded ON opsbot.silences (starts_at)
  WHERE NOT start_recorded;
