-- An escalation send that failed for now (network, 5xx, 429) is tried again after
-- Telegram's retry_after, else 1 s, 2 s, 4 s… (at most 30 s): it counts its tries and keeps
-- the last error, instead of being retried every second.
ALTER TABLE opsbot.escalation_steps ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 0;
ALTER TABLE opsbot.escalation_steps ADD COLUMN IF NOT EXISTS last_error text;

-- A private page Telegram refused (403: the person never started the bot) is part of the
-- record: the incident's timeline says whom the page could not reach.
ALTER TABLE opsbot.alert_events DROP CONSTRAINT IF EXISTS alert_events_event_check;
ALTER TABLE opsbot.alert_events ADD CONSTRAINT alert_events_event_check
  CHECK (event IN ('fired', 'resolved', 'paged', 'escalated', 'page_refused', 'acked', 'silenced'));
