# Deploys and rollbacks (src/bot/features/deploy.ts, rollback.ts, render/actions.ts,
# action-reporter.ts). $title is "<b>Deploy</b> <code>REF</code>", already formatted.
action-kind-deploy = Deploy
action-kind-rollback = Rollback
# The kind within a sentence.
action-noun-deploy = deploy
action-noun-rollback = rollback
action-button-confirm = Confirm
action-button-cancel = Cancel
action-button-rollback = Rollback to {$ref}
action-pending =
    🚀 {$title} requested by {$name}.
    Confirm within {$ttl}.
action-two-person = Another operator must confirm (two-person rule).
action-running = ⏳ {$title} running for {$elapsed}
action-running-confirmed = ⏳ {$title} running for {$elapsed} — confirmed by {$name}
action-outcome-succeeded = ✅ succeeded
action-outcome-failed = ❌ failed
action-outcome-timed_out = ⏱ timed out (process group stopped)
action-outcome-interrupted = ⚠️ interrupted
action-finished = {$outcome}: {$title} in {$duration} ({$exit})
action-exit-code = exit {$code}
action-exit-signal = signal {$signal}
action-reported-commit = commit {$commit}
action-reported-previous = previously {$previous}
action-log-attached = Full log attached.
action-log-caption = Output of {$kind} {$ref}
action-expired = ⌛ Expired: {$title} was not confirmed in time.
action-interrupted = ⚠️ {$title} was interrupted: the bot stopped while it ran. It was not re-run; check the target before running it again.
action-verify-healthy = 💚 API healthy {$waited} after {$title}.
action-verify-unhealthy = 🔴 API not healthy {$waited} after {$title}.
action-verify-unhealthy-why = 🔴 API not healthy {$waited} after {$title}: {$detail}.
action-verify-offer = Roll back to {$ref}?
action-verify-no-target = No earlier successful deploy is known to roll back to.
action-busy = ⛔ Another action is running: {$title} by {$name}. One at a time.
action-busy-since = ⛔ Another action is running: {$title} by {$name} since {$since} ({$age}). One at a time.

# Refused requests: nothing ran, nothing was stored.
action-bad-ref = ⛔ Refused: the ref {$problem}. Nothing was run.
action-ref-shape = must be 1-100 of A-Z a-z 0-9 . _ / -, starting with a letter or digit
action-ref-dot_dot = must not contain ".."
action-ref-double_slash = must not contain "//"
action-ref-bad_end = must not end in "/", "." or ".lock"
action-ref-dot_part = no part may start with "."
action-script-unset = ⚙️ {$kind} is not configured ({$variable} is not set). Nothing was stored.
action-script-not_executable = ⚙️ {$kind} is not configured ({$variable} is not an executable file). Nothing was stored.

# Answers to a press on Confirm, Cancel or Rollback (pop-ups: plain text).
action-confirmed = Confirmed: running.
action-cancelled = Cancelled.
action-cancelled-by = ✖️ Cancelled by {$name}: {$kind} {$ref}.
action-refusal-unknown = This action is not known here.
action-refusal-wrong_message = This button does not belong to this action.
action-refusal-same_operator = Two-person rule: another operator must confirm.
action-refusal-expired = This request expired. Send the command again.
action-refusal-not_pending = This action was already handled.
action-no-rollback-target = No earlier successful deploy to roll back to.

# The /rollback dialogue.
rollback-picker = Roll back to which deploy? (newest first; /cancel to stop)
rollback-target-before = {$ref} (before {$deploy})
rollback-list-closed = That list is no longer open.
rollback-operators-only = Only operators can roll back.
rollback-cancelled = Rollback cancelled.
rollback-to = Rolling back to {$ref}.
rollback-cancel-done = Cancelled.
rollback-cancel-nothing = Nothing to cancel.

# /history: the table's columns, and an action's kind and state in it.
history-empty = No deploys or rollbacks yet.
history-title = Recent deploys and rollbacks
history-col-when = when
history-col-what = what
history-col-ref = ref
history-col-commit = commit
history-col-result = result
history-col-took = took
history-col-by = by / confirmed
history-state-pending = pending
history-state-running = running
history-state-succeeded = succeeded
history-state-failed = failed
history-state-timed_out = timed_out
history-state-interrupted = interrupted
history-state-cancelled = cancelled
history-state-expired = expired
