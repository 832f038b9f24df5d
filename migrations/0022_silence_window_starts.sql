-- A maintenance window that starts later is recorded as "silenced" for the alerts firing
-- when it starts, once across replicas: false until the tick after its start has done so.
-- Windows already in force are taken as recorded; those still to start are recorded at it.
ALTER TABLE opsbot.silences ADD COLUMN IF NOT EXISTS start_recorded boolean NOT NULL DEFAULT true;
UPDATE opsbot.silences SET start_recorded = false WHERE starts_at > now();
CREATE INDEX IF NOT EXISTS silences_start_unrecorded ON opsbot.silences (starts_at)
  WHERE NOT start_recorded;
