-- A refresh recounted the last hour or two by deleting their kept rows and writing them all
-- again, though a recount changes few of them (about 140 ms a tick at LabPics scale).
-- It now writes only the rows whose counts changed, by key (src/checks/listings/run-history.ts).
CREATE UNIQUE INDEX IF NOT EXISTS run_hours_key
  ON opsbot.run_hours (hour, job_type, project_id) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX IF NOT EXISTS run_durations_key
  ON opsbot.run_durations (hour, job_type, project_id, bucket) NULLS NOT DISTINCT;
