-- Why a watcher check could not be evaluated ("check:<name>" rows), for /alerts and /health.
ALTER TABLE opsbot.component_failures ADD COLUMN IF NOT EXISTS reason text;
