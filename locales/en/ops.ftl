# /health, /jobs, /stuck, /sync and their buttons (src/bot/features/ops-queries.ts, src/bot/render/).
quick-health = Health
quick-jobs = Jobs
quick-stuck = Stuck
quick-sync = Sync
stuck-usage = Usage: /stuck [minutes] — whole minutes from 1 to 10080.
column-project = project
status-ok = ok
status-degraded = degraded
status-down = down
status-not_configured = not configured

health-title = Health
health-schema = Schema
health-connectors = Connectors
health-watcher = Watcher
health-bot = Bot
health-latency = {$ms} ms
health-reported = status {$status}
health-unknown = unknown
health-sse = SSE {$value}
health-sse-connections = {$n ->
    [one] {$n} connection
   *[other] {$n} connections
}
health-api-redis = Redis (API view) {$value}
health-pubsub = pub/sub {$channels ->
    [one] {$channels} channel
   *[other] {$channels} channels
}, {$failed ->
    [one] {$failed} failed publish
   *[other] {$failed} failed publishes
}
health-db-pool = DB pool {$value}
health-db-pool-figures = {$open} open, {$idle} idle, {$waiting} waiting
health-received = received: {$body}
health-schema-mismatch = schema mismatch: {$tables}
health-scheduler-gaps = {$tables} missing: LabPics's scheduler writes it, so every worker tick fails
health-mock-connectors = {$n} in mock mode (sample data, not the service): {$names}
health-blind = blind: {$checks}
health-pg-connections = connections {$used}/{$max}
health-redis-memory = memory {$size}
health-uptime = up {$duration}
health-watcher-not-running = watcher not running
health-watcher-waiting = watcher waiting for its first tick
health-watcher-ticked = watcher ticked {$age}

jobs-none = No scheduled jobs found in scheduled_jobs.
jobs-title = Scheduled jobs
jobs-count-suspended = {$n} suspended
jobs-count-failed = {$n} failed
jobs-count-stuck = {$n} stuck
jobs-count-overdue = {$n} overdue
jobs-count-total = {$n} total
jobs-count-total-in-projects = {$n} total in {$projects ->
    [one] {$projects} project
   *[other] {$projects} projects
}
jobs-column-job = job
jobs-column-last-run = last run
jobs-column-next-run = next run
jobs-paused = paused
jobs-suspended = suspended
jobs-legend = ⛔ suspended  ❌ failed  🧊 stuck  ⏰ overdue  🔄 running  💤 paused

stuck-none = ✅ No worker or process run has been running longer than {$threshold}.
stuck-none-workers = ✅ No worker run has been running longer than {$threshold}.
stuck-processes-unreadable = ⚠️ Process runs could not be read: {$error}
stuck-title = Stuck runs
stuck-count = {$n} running longer than {$threshold}, oldest first
stuck-column-age = age
stuck-column-kind = kind
stuck-column-name = name
stuck-failed-title = Failed processes
stuck-failed-count = {$n} in the last 24 h
stuck-orphans = 🧹 LabPics's dead-job cleanup ({$dead}) did not reap {$n ->
    [one] this worker run. To mark it failed
   *[other] these {$n} worker runs. To mark them failed
}, run on its database (the bot never writes there):

sync-none = No connectors found in connector_sync_state.
sync-title = Connector sync
sync-count-failed = {$n} failed
sync-count-partial = {$n} partial
sync-count-stale = {$n} stale
sync-count-idle = {$n} idle
sync-count-mock = {$n} mock
sync-count-total = {$n} total
sync-column-connector = connector
sync-column-status = status
sync-column-last-sync = last sync
sync-status-stuck = running (stuck)
sync-status-unknown = unknown
sync-status-mock = {$status} (mock)
sync-legend = ❌ failed  ⏰ stale
sync-legend-labpics = ❌ failed  🧊 stuck  ⚠️ partial  ⏰ stale  ➖ idle (never synced)
sync-legend-mock = 🧪 mock mode: LabPics syncs sample data, not the service
