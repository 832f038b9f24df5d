# Incidents: /incident and the postmortem document (src/bot/render/incident*.ts).
# Placeables named alert, ref, who and summary arrive formatted (HTML or Markdown).
incident-title = Incident #{$number}: {$summary}{ $more ->
    [0] {""}
   *[other] {" "}(+{$more} more)
}
incident-opened = Opened {$at}
incident-open-for = open for {$duration}
incident-closed = closed {$at}, after {$duration}
incident-alerts = { $count ->
    [one] 1 alert
   *[other] {$count} alerts
}
incident-alert-firing = 🔴 {$alert} {$summary}
incident-alert-resolved = ✅ {$alert} {$summary}
incident-timeline = Timeline ({$zone})
incident-user = user {$id}
incident-none = No open incident. The last one was #{$number}: /incident {$number}
incident-none-ever = No incident yet: a critical page opens one.
incident-not-found = No incident #{$number}.
incident-usage = Usage: /incident [N] [md] — the open incident or number N; md sends its postmortem as a Markdown file.
incident-postmortem-button = Postmortem
incident-postmortem-caption = Postmortem of incident #{$number}: fill in the follow-ups.
incident-event-fired = {$alert} fired
incident-event-paged = {$alert} paged
incident-event-escalated = {$alert} escalated to {$who} ({$target})
incident-event-escalated-group = {$alert} escalated to the group
incident-event-page-refused = {$alert}: could not page {$who} privately ({$error})
incident-event-acked = {$alert} acked by {$who}
incident-event-silenced = {$alert} silenced by {$who} until {$until}
incident-event-resolved = {$alert} resolved
incident-target-oncall = on call
incident-target-next = next in the rota
incident-action-deploy = Deploy
incident-action-rollback = Rollback
incident-action-started = {$kind} {$ref} started by {$who}
incident-action-finished = {$kind} {$ref} finished: {$outcome}
incident-action-healthy = {$kind} {$ref}: API healthy afterwards
incident-action-unhealthy = {$kind} {$ref}: API still unhealthy afterwards
incident-action-interrupted = {$kind} {$ref} interrupted
incident-outcome-succeeded = succeeded
incident-outcome-failed = failed
incident-outcome-timed_out = timed out
incident-outcome-interrupted = interrupted
incident-outcome-running = still running
incident-outcome-pending = not started
incident-outcome-cancelled = cancelled
incident-outcome-expired = expired
incident-outcome-unknown = unknown
incident-md-summary = Summary
incident-md-opened = Opened: {$at}
incident-md-closed = Closed: {$at}
incident-md-still-open = Still open
incident-md-impact = Impact
incident-md-open-for = Open for: {$duration}
incident-md-first-ack = Time to first ack (page → Ack): {$duration}
incident-md-never-acked = not acknowledged
incident-md-resolve = Time to resolve (first alert fired → all resolved): {$duration}
incident-md-not-resolved = not resolved yet
incident-md-timeline = Timeline
incident-md-time = Time ({$zone})
incident-md-event = Event
incident-md-actions = Actions taken
incident-md-action = {$kind} {$ref}, requested by {$requestedBy}, confirmed by {$confirmedBy}: {$state} ({$started}–{$finished} {$zone})
incident-md-no-actions = No deploy or rollback ran while it was open.
incident-md-follow-ups = Follow-ups
incident-md-follow-up-cause = Root cause:
incident-md-follow-up-detection = How we could have known sooner:
incident-md-follow-up-prevention = What keeps it from happening again:
incident-md-follow-up-owner = Owner and due date:
