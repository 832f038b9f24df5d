# /runs, /pg and /backups (src/bot/render/runs.ts, pg.ts, backups.ts, features/diagnostics.ts).
# $title and $job arrive formatted (bold, code); job and project names stay as they are.
runs-usage = Usage: /runs [JOB] [PROJECT] — run history of every job, or of one job (with a chart).
runs-none = No worker runs in the last 7 days.
runs-none-for = No worker runs in the last 7 days for {$scope}.
runs-title = Worker runs
runs-header = {$title} — runs, success rate, p50/p95 duration
runs-header-for = {$title} for {$scope} — runs, success rate, p50/p95 duration
runs-col-job = job
runs-col-project = project
runs-col-day = 24h
runs-col-week = 7d
runs-col-ok = ok
runs-last-failures = Last failures
runs-no-failures = ✅ No failures in 7 days.
runs-no-error = no error recorded
runs-under-second = <1s
runs-minutes-seconds = {$m}m {$s}s
runs-job-none = No runs of {$job} found.
runs-job-title = { $n ->
    [one] Last {$n} run of
   *[other] Last {$n} runs of
}
runs-col-started = started
runs-col-took = took
runs-col-id = id
runs-job-legend = ✅ ok  ❌ failed  🔄 running
# The chart (plain text on the picture) and the photo's caption.
runs-chart-week = {$scope} — run durations, 7 days
runs-chart-newest = { $n ->
    [one] {$scope} — newest {$n} run since {$since}
   *[other] {$scope} — newest {$n} runs since {$since}
}
runs-chart-x = started (UTC)
runs-chart-seconds = seconds
runs-chart-minutes = minutes
runs-chart-status-ok = ok
runs-chart-status-failed = failed
runs-chart-status-running = running
runs-caption-week = { $n ->
    [one] {$n} run in 7 days
   *[other] {$n} runs in 7 days
}
runs-caption-newest = { $n ->
    [one] the newest {$n} run, since {$since} (the week has more)
   *[other] the newest {$n} runs, since {$since} (the week has more)
}
runs-caption = {$job}: {$runs}, {$failed} failed. Duration by start time; ❌ failures are red triangles.

pg-header = 🐘 {$title} {$note}
pg-literals-note = query text shown without its literals
pg-unavailable = unavailable: {$error}
pg-connections = Connections
pg-connections-line = {$total} of max_connections {$max} ({$share}%): {$states}
pg-connections-line-nomax = {$total} of max_connections {$max}: {$states}
pg-no-sessions = no sessions reported
pg-longest = Longest-running queries
pg-longest-none = none running
pg-blocked = Blocked sessions
pg-blocked-none = none waiting on a lock
pg-blocked-by = ⛔ by {$pids}
pg-blocking = Blocking them
pg-idle = Idle in transaction
pg-idle-none = none
pg-size = Size
pg-size-line = database {$size}; largest: {$tables}
pg-no-tables = no tables

backups-not-configured = ➖ Backups: not configured (set BACKUP_DIR to the directory backup.sh writes to).
backups-title = Backups
backups-header-all = 💾 {$title} in {$dir} — {$count} kept, {$size} in all
backups-header-newest = 💾 {$title} in {$dir} — {$count} kept, {$size} in the newest {$measured}
backups-newest = Newest
backups-before = Before it
backups-file = {$label}: {$name} — {$age}, {$size}
backups-file-unread = {$label}: {$name} — {$age}, {$size}, not read ({$detail})
backups-unreadable = ⚠️ {$n} could not be read (gone since listed, or dangling links): skipped.
backups-ok = ✅ Newest backup within {$hours} h and not truncated.
