-- Where a running action's script lives, so a process that outlives the bot (SIGKILL,
-- OOM) can be found and killed before its slot is freed: the process group id, the
-- leader's start time (clock ticks after boot, from /proc/<pid>/stat) so a recycled pid
-- is never mistaken for it, and the host (hostname, boot id, pid namespace) on which
-- those numbers mean something.
ALTER TABLE opsbot.actions ADD COLUMN IF NOT EXISTS script_pgid integer;
ALTER TABLE opsbot.actions ADD COLUMN IF NOT EXISTS script_start_ticks bigint;
ALTER TABLE opsbot.actions ADD COLUMN IF NOT EXISTS script_host text;
