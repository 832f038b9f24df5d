-- Stuck processes in the labpics shape are process_started events in connector_events with
-- no process_finished/process_failed event. Asking that of every start ever written grows
-- with the event history (1.4 s at 1 M events), so the watcher keeps a watermark: every
-- start before scanned_before that was still open when scanned is in open_processes, and
-- only starts after it (less a margin for late writes) are read from connector_events.
-- See src/checks/process-scan.ts.
CREATE TABLE IF NOT EXISTS opsbot.process_scan (
  only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  -- '-infinity' until the first scan, which reads every start once.
  scanned_before  timestamptz NOT NULL
);
INSERT INTO opsbot.process_scan (scanned_before) VALUES ('-infinity') ON CONFLICT DO NOTHING;

-- Starts that were open at the last scan: running processes and ones that never finished.
-- occurred_at also tells a reused event id (a truncated table) from the start it was.
CREATE TABLE IF NOT EXISTS opsbot.open_processes (
  event_id     bigint PRIMARY KEY,
  occurred_at  timestamptz NOT NULL
);

-- /runs over a week of worker_runs sorted the week's durations on every call (1.5 s at
-- 10 M runs). The watcher keeps per job, project and hour the runs' counts and a histogram
-- of finished runs' durations (bucket b: [2^((b-1)/4), 2^(b/4)) seconds, 0: under 1 s), and
-- /runs reads those. See src/checks/run-history.ts.
CREATE TABLE IF NOT EXISTS opsbot.run_history_scan (
  only_row      boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  -- Hours before this are summarised; '-infinity' until the first refresh.
  refreshed_to  timestamptz NOT NULL
);
INSERT INTO opsbot.run_history_scan (refreshed_to) VALUES ('-infinity') ON CONFLICT DO NOTHING;

-- project_id is NULL in the reference shape.
CREATE TABLE IF NOT EXISTS opsbot.run_hours (
  hour        timestamptz NOT NULL,
  job_type    text NOT NULL,
  project_id  uuid,
  runs        int NOT NULL,
  ok          int NOT NULL,
  failed      int NOT NULL
);
CREATE INDEX IF NOT EXISTS run_hours_hour ON opsbot.run_hours (hour);

CREATE TABLE IF NOT EXISTS opsbot.run_durations (
  hour        timestamptz NOT NULL,
  job_type    text NOT NULL,
  project_id  uuid,
  bucket      smallint NOT NULL,
  runs        int NOT NULL
);
CREATE INDEX IF NOT EXISTS run_durations_hour ON opsbot.run_durations (hour);
