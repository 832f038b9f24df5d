-- Indexes recommended on the LabPics tables for opsbot's checks, on either shape (a table
-- that is not there is skipped). Safe to apply repeatedly. docs/labpics.md shows the
-- query plans behind each one.

-- /stuck and stuck_worker read only running rows by age: a partial index stays tiny
-- however long the run history grows.
CREATE INDEX IF NOT EXISTS worker_runs_running_started_at_idx
  ON worker_runs (started_at) WHERE status = 'running';

DO $$
BEGIN
  -- Reference shape: the same stuck check for background processes.
  IF to_regclass('process_runs') IS NOT NULL THEN
    CREATE INDEX IF NOT EXISTS process_runs_running_started_at_idx
      ON process_runs (started_at) WHERE status = 'running';
  END IF;
  -- Labpics shape: process starts and failures across all projects by time. LabPics's own
  -- (project_id, event_type, occurred_at) index needs one probe per project and walks
  -- every start of each; these hold only process events.
  IF to_regclass('connector_events') IS NOT NULL THEN
    CREATE INDEX IF NOT EXISTS connector_events_process_started_idx
      ON connector_events (occurred_at) WHERE event_type = 'process_started';
    CREATE INDEX IF NOT EXISTS connector_events_process_failed_idx
      ON connector_events (occurred_at) WHERE event_type = 'process_failed';
  END IF;
  -- Reference shape: the newest worker run (scheduler_stalled) without a project key to
  -- probe by.
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                  WHERE table_name = 'worker_runs' AND column_name = 'project_id'
                    AND table_schema = ANY (current_schemas(false))) THEN
    CREATE INDEX IF NOT EXISTS worker_runs_started_at_idx ON worker_runs (started_at);
  END IF;
END $$;

-- /runs reads a week of runs by start time: a covering index lets it read only the index
-- (with project_id in the labpics shape, which groups by project too).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns
              WHERE table_name = 'worker_runs' AND column_name = 'project_id'
                AND table_schema = ANY (current_schemas(false))) THEN
    CREATE INDEX IF NOT EXISTS worker_runs_started_at_covering_idx
      ON worker_runs (started_at) INCLUDE (job_type, status, finished_at, project_id);
    -- /runs JOB PROJECT: one job of one project (LabPics's (project_id, started_at) would
    -- walk every job of the project, (job_type, started_at) every project's runs of the job).
    CREATE INDEX IF NOT EXISTS worker_runs_project_job_started_at_idx
      ON worker_runs (project_id, job_type, started_at);
  ELSE
    CREATE INDEX IF NOT EXISTS worker_runs_started_at_covering_idx
      ON worker_runs (started_at) INCLUDE (job_type, status, finished_at);
  END IF;
END $$;

-- /runs JOB: one job's newest runs, and its week for the chart from the index alone.
CREATE INDEX IF NOT EXISTS worker_runs_job_type_started_at_covering_idx
  ON worker_runs (job_type, started_at) INCLUDE (status, finished_at);
-- The same index without INCLUDE, as earlier versions of this file made it.
DROP INDEX IF EXISTS worker_runs_job_type_started_at_idx;

-- /runs' last failures: a small partial index, however rare failures are.
CREATE INDEX IF NOT EXISTS worker_runs_failed_started_at_idx
  ON worker_runs (started_at) WHERE status = 'failed';
