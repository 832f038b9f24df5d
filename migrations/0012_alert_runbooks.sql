-- The runbook an alert carries itself ({"title", "url"}: Alertmanager's runbook_url
-- annotation); NULL: its kind's, from RUNBOOK_URL. Kept with the episode so repeat and
-- resolved messages link it too.
ALTER TABLE opsbot.alerts ADD COLUMN IF NOT EXISTS runbook jsonb;
