-- The "labpics" shape: the tables opsbot reads as LabPics's own migrations leave them
-- (projects and account scopes; project-scoped jobs, runs, connector state and events).
-- Written for opsbot's tests, demo and bench from the documented columns, constraints
-- and indexes; pgvector and LabPics's scope-guard triggers are left out. The bot never
-- writes to these tables. Safe to apply repeatedly.

CREATE TABLE IF NOT EXISTS account_scopes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  scope_key   text NOT NULL UNIQUE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS projects (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name              text NOT NULL,
  account_scope_id  uuid NOT NULL REFERENCES account_scopes (id) ON DELETE RESTRICT,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS projects_account_scope_idx ON projects (account_scope_id);

-- One row per (project, job type). The status CHECK allows active/paused only; LabPics's
-- scheduler also writes 'running' and 'suspended', and a 'started_at' column that its
-- migrations do not create (opsbot uses it where an installation has added it).
CREATE TABLE IF NOT EXISTS scheduled_jobs (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id        uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  account_scope_id  uuid NOT NULL REFERENCES account_scopes (id) ON DELETE RESTRICT,
  job_type          text NOT NULL,
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  -- Holds consecutive_failures among other things.
  payload           jsonb NOT NULL DEFAULT '{}'::jsonb,
  cadence_seconds   int NOT NULL DEFAULT 900,
  next_run_at       timestamptz NOT NULL DEFAULT now(),
  last_run_at       timestamptz,
  last_status       text,
  last_error        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, job_type)
);
CREATE INDEX IF NOT EXISTS scheduled_jobs_due_idx ON scheduled_jobs (status, next_run_at);

CREATE TABLE IF NOT EXISTS worker_runs (
  id                bigserial PRIMARY KEY,
  scheduled_job_id  uuid REFERENCES scheduled_jobs (id) ON DELETE SET NULL,
  project_id        uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  account_scope_id  uuid NOT NULL REFERENCES account_scopes (id) ON DELETE RESTRICT,
  job_type          text NOT NULL,
  status            text NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
  started_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz,
  details           jsonb NOT NULL DEFAULT '{}'::jsonb,
  error             text
);
CREATE INDEX IF NOT EXISTS worker_runs_project_started_idx
  ON worker_runs (project_id, started_at DESC);

-- 'idle' = never synced. LabPics's code writes running/ok/failed.
CREATE TABLE IF NOT EXISTS connector_sync_state (
  project_id        uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  account_scope_id  uuid NOT NULL REFERENCES account_scopes (id) ON DELETE RESTRICT,
  connector         text NOT NULL CHECK (connector IN ('chatwoot', 'linear', 'attio')),
  mode              text NOT NULL DEFAULT 'http' CHECK (mode IN ('http', 'mcp')),
  cursor_ts         timestamptz,
  cursor_id         text,
  page_cursor       text,
  last_success_at   timestamptz,
  last_attempt_at   timestamptz,
  status            text NOT NULL DEFAULT 'idle'
                      CHECK (status IN ('idle', 'running', 'ok', 'partial', 'failed')),
  retry_count       int NOT NULL DEFAULT 0,
  last_error        text,
  meta              jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, connector)
);
CREATE INDEX IF NOT EXISTS connector_sync_state_status_idx
  ON connector_sync_state (status, updated_at DESC);

-- Connector and process events (named kag_event_log before LabPics's rename). A process
-- run is a process_started event and, once over, a process_finished or process_failed
-- event with the same source_ref 'process:<name>:<run_id>'.
CREATE TABLE IF NOT EXISTS connector_events (
  id                      bigserial PRIMARY KEY,
  project_id              uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  account_scope_id        uuid NOT NULL REFERENCES account_scopes (id) ON DELETE RESTRICT,
  event_type              text NOT NULL CONSTRAINT connector_events_event_type_check CHECK (
    event_type IN (
      'message_sent', 'client_silent_started', 'approval_requested', 'approval_approved',
      'stage_started', 'stage_completed', 'issue_created', 'issue_blocked',
      'issue_unblocked', 'scope_change_detected', 'deal_stage_changed', 'invoice_sent',
      'invoice_paid', 'contact_updated', 'note_logged', 'activity_logged',
      'process_started', 'process_finished', 'process_failed', 'process_warning'
    )
  ),
  occurred_at             timestamptz NOT NULL,
  actor                   text NOT NULL DEFAULT 'system' CHECK (actor IN ('client', 'team', 'system')),
  source                  text NOT NULL CHECK (source IN ('chatwoot', 'linear', 'attio', 'system')),
  source_ref              text NOT NULL,
  source_url              text,
  source_message_id       text,
  source_linear_issue_id  text,
  source_attio_record_id  text,
  -- Process events carry run_id, duration_ms and (when failed) error_message.
  payload_json            jsonb NOT NULL DEFAULT '{}'::jsonb,
  dedupe_key              text NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, dedupe_key)
);
CREATE INDEX IF NOT EXISTS connector_events_project_occurred_idx
  ON connector_events (project_id, occurred_at DESC);
CREATE INDEX IF NOT EXISTS connector_events_source_ref_idx
  ON connector_events (project_id, source, source_ref);
CREATE INDEX IF NOT EXISTS connector_events_type_occurred_idx
  ON connector_events (project_id, event_type, occurred_at DESC);
CREATE INDEX IF NOT EXISTS connector_events_project_dedupe_idx
  ON connector_events (project_id, dedupe_key);
