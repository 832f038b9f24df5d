# Alert messages (src/bot/render/alerts.ts, alert-text.ts), the alert buttons and
# /alerts, /silence, /unsilence (src/bot/features/alerts.ts).

## A watcher alert, written from its facts: alert-<kind>. $project is " [name]" or empty,
## $error ": text" or empty; times and sizes arrive written in the locale.
alert-api_down = API /health unhealthy{$error}
alert-pg_down =
    { $case ->
        [up] PostgreSQL reachable again
       *[down] PostgreSQL unreachable{$error}
    }
alert-redis_down = Redis unreachable{$error}
alert-scheduler_stalled =
    { $case ->
        [cause] scheduler stalled: {$overdue} active job(s) overdue, last worker run started {$lastRunAt}; why: {$cause}
       *[plain] scheduler stalled: {$overdue} active job(s) overdue, last worker run started {$lastRunAt}
    }
alert-watcher_degraded = the {$check} check cannot be evaluated{$error}
alert-job_suspended = job {$job}{$project} suspended by the scheduler after repeated failures{$error}
alert-backup_stale =
    { $case ->
        [missing] no backup found in {$dir}
        [old] newest backup {$file} finished {$finishedAt}, more than {$hours} h ago
        [truncated] newest backup {$file} is {$fileBytes}, {$percent}% of the one before it ({$previous}, {$previousBytes}): a truncated dump?
       *[damaged] backup {$file} ({$fileBytes}) is not a whole dump{$error}
    }
alert-pg_blocked = {$session} waiting on a lock longer than {$minutes} min, blocked by pid {$blockers}: {$query}
alert-webhook_failing =
    { $case ->
        [error] Telegram cannot deliver updates to {$url}: last delivery error {$minutes} min ago ({$errorAt}){$error}
        [pending] Telegram cannot deliver updates to {$url}: {$pending} updates pending
       *[both] Telegram cannot deliver updates to {$url}: last delivery error {$minutes} min ago ({$errorAt}){$error}; {$pending} updates pending
    }
alert-watchdog_missing = Alertmanager's {$alertname} alert last arrived {$minutes} min ago ({$lastAt}): the Prometheus → Alertmanager path is broken
alert-stuck_worker =
    { $case ->
        [job] job {$job}{$project} running since {$startedAt}
        [unreaped] worker run {$id} ({$name}){$project} running since {$startedAt}; LabPics's dead-job cleanup has not reaped it: /stuck shows the SQL that marks it failed
       *[run] worker run {$id} ({$name}){$project} running since {$startedAt}
    }
alert-stuck_process = process run {$id} ({$name}){$project} running since {$startedAt}
alert-job_failed = job {$job}{$project} failed{$error}
alert-job_overdue = job {$job}{$project} overdue: next run was due {$dueAt}
alert-connector_failed =
    { $case ->
        [stuck] connector {$connector}{$project} running since {$startedAt} (stuck)
       *[failed] connector {$connector}{$project} {$status}{$error}
    }
alert-connector_stale = connector {$connector}{$project} last synced {$syncedAt}
alert-connector_partial = connector {$connector}{$project} synced partially{$error}
alert-pg_connections_high = PostgreSQL connections {$used}/{$max}
alert-pg_long_query = query of {$session} running longer than {$minutes} min: {$query}

## A notification of any number of alerts.
alerts-firing =
    { $n ->
        [one] {$n} alert firing
       *[other] {$n} alerts firing
    }
alerts-repeat =
    { $n ->
        [one] Still firing: {$n} alert
       *[other] Still firing: {$n} alerts
    }
alerts-resolved =
    { $n ->
        [one] Resolved: {$n} alert
       *[other] Resolved: {$n} alerts
    }
alerts-critical-count = critical ×{$n}
alerts-warning-count = warning ×{$n}
alerts-warning-only = warning
alerts-since = since {$duration}
alerts-lasted = lasted {$duration}
alerts-silenced-note = Silenced by {$who} until {$until}
alerts-acked-note = Acked by {$who} at {$at}: no repeats until resolved

## Buttons on alert messages and their answers.
alerts-button-silence = Silence {$hours}h
alerts-button-ack = Ack
alerts-silenced-answer = Silenced for {$hours}h.
alerts-acked-answer = Acknowledged: no repeats until resolved.
alerts-already-acked = Already acknowledged or resolved.
alerts-unknown-message = That alert message is not known here.

## /alerts
alerts-none = No alerts firing.
alerts-none-but-blind =
    { $n ->
        [one] No alerts firing, but {$n} check is blind
       *[other] No alerts firing, but {$n} checks are blind
    }
alerts-blind-unknown = their alerts are unknown:
alerts-blind-check = {$check} cannot be evaluated{$reason}
alerts-blind-checks = Blind checks
alerts-open-firing = {$n} firing
alerts-open-silenced = until {$until}
alerts-open-acked = acked by {$who}
alerts-silences = Silences ({$n})
alerts-silence-scheduled = {$key} scheduled {$from} → {$until} by {$who}
alerts-silence-until = {$key} until {$until} by {$who}

## /silence and /unsilence
silence-usage = Usage: /silence KEY DURATION [in DELAY] — e.g. /silence stuck_worker:42 4h, or /silence api_down 2h in 30m for a maintenance window (30m, 4h, 2d; KEY is a kind, a key, or KIND:prefix*)
unsilence-usage = Usage: /unsilence KEY — the key exactly as /alerts shows it; /unsilence PREFIX* lifts every silence whose key starts with PREFIX (e.g. am:*), /unsilence all every silence
silence-broad-pattern = {$key}: a pattern needs a full kind and a colon before *, e.g. job_failed:*.
silence-not-a-key = {$key}: not an alert key.
silence-too-short = A silence must be at least 1m.
silence-too-long = A silence may be at most {$days}d (SILENCE_MAX_DAYS).
silence-delay-bounds = A delay must be from 1m to 30d.
silence-window-from = from {$from} until {$until}
silence-window-until = until {$until}
silence-stays = {$key} stays silenced {$window}: a new silence never shortens a longer one.
silence-scheduled = {$key} will be silenced {$window} (maintenance window).
silence-set = {$key} silenced {$window}.
unsilence-key-lifted = {$key} is no longer silenced.
unsilence-key-none = No silence in force or scheduled for {$key}.
unsilence-lifted =
    { $n ->
        [one] {$n} silence lifted{$under}.
       *[other] {$n} silences lifted{$under}.
    }
unsilence-under = {" "}under {$key}
unsilence-none = No silence in force or scheduled{$under}.
