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
