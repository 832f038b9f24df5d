-- Indexes recommended on the LabPics tables for opsbot's checks. Safe to apply repeatedly.

-- The stuck check reads only running rows by age; a partial index stays tiny however long the run history grows.
CREATE INDEX IF NOT EXISTS worker_runs_running_started_at_idx
  ON worker_runs (started_at) WHERE status = 'running';

-- Same stuck check for background processes.
CREATE INDEX IF NOT EXISTS process_runs_running_started_at_idx
  ON process_runs (started_at) WHERE status = 'running';

-- /runs reads a week of runs by start time: a covering index lets it read only the index.
-- In the labpics shape add project_id to INCLUDE (worker_runs has it there).
CREATE INDEX IF NOT EXISTS worker_runs_started_at_covering_idx
  ON worker_runs (started_at) INCLUDE (job_type, status, finished_at);

-- /runs JOB: one job's newest runs.
CREATE INDEX IF NOT EXISTS worker_runs_job_type_started_at_idx
  ON worker_runs (job_type, started_at);

-- /runs' last failures: a small partial index, however rare failures are.
CREATE INDEX IF NOT EXISTS worker_runs_failed_started_at_idx
  ON worker_runs (started_at) WHERE status = 'failed';
