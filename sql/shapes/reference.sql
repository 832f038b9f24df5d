-- The "reference" shape of the LabPics tables opsbot reads: unscoped tables and a
-- process_runs table, as older installations have them. Shipped for tests and the console
-- demo; the bot never writes to them. Safe to apply repeatedly.

CREATE TABLE IF NOT EXISTS scheduled_jobs (
  job_type    text NOT NULL UNIQUE,
  status      text NOT NULL CONSTRAINT scheduled_jobs_status_check
                CHECK (status IN ('active', 'paused')),
  -- NULL until the job has run once.
  last_status text CONSTRAINT scheduled_jobs_last_status_check
                CHECK (last_status IN ('ok', 'failed', 'running')),
  last_run_at timestamptz,
  next_run_at timestamptz,
  last_error  text
);

CREATE TABLE IF NOT EXISTS worker_runs (
  id          bigserial PRIMARY KEY,
  job_type    text NOT NULL,
  status      text NOT NULL CONSTRAINT worker_runs_status_check
                CHECK (status IN ('running', 'ok', 'failed')),
  started_at  timestamptz,
  finished_at timestamptz,
  error       text
);

CREATE TABLE IF NOT EXISTS process_runs (
  id          bigserial PRIMARY KEY,
  process     text NOT NULL,
  status      text NOT NULL CONSTRAINT process_runs_status_check
                CHECK (status IN ('running', 'ok', 'failed')),
  started_at  timestamptz,
  finished_at timestamptz,
  error       text
);

-- The reference shape fixes no values for a connector's last_status: left unconstrained.
CREATE TABLE IF NOT EXISTS connector_sync_state (
  connector      text PRIMARY KEY,
  last_status    text,
  last_synced_at timestamptz,
  last_error     text
);
