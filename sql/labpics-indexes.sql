-- Indexes recommended on the LabPics tables for opsbot's checks. Safe to apply repeatedly.

-- The stuck check reads only running rows by age; a partial index stays tiny however long the run history grows.
CREATE INDEX IF NOT EXISTS worker_runs_running_started_at_idx
  ON worker_runs (started_at) WHERE status = 'running';

-- Same stuck check for background processes.
CREATE INDEX IF NOT EXISTS process_runs_running_started_at_idx
  ON process_runs (started_at) WHERE status = 'running';
