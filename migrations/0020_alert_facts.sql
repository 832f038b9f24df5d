-- What a watcher alert's message says, as data ({"job": …, "project": …, "error": …}): the
-- bot writes it in the reader's language. NULL (Alertmanager's alerts, rows from before):
-- the summary is shown as it is.
ALTER TABLE opsbot.alerts ADD COLUMN IF NOT EXISTS facts jsonb;
