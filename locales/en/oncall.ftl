# On call: /oncall, handovers, private pages and escalations (src/bot/render/oncall.ts).
oncall-user = user {$id}
oncall-now = On call
oncall-now-until = {$person} until {$until}
oncall-next = Next: {$person} from {$from}
oncall-override = Override: taken with /oncall take; the rota has {$person} until {$until}
oncall-no-rota = No on-call rota: set ONCALL_ROTA (see docs/paging.md).
oncall-taken = {$person} took the on-call shift until {$until}. Next: {$next}.
oncall-handover = Handover
oncall-handover-until = {$person} is on call until {$until}.
oncall-handover-open =
    { $open ->
        [0] Next: {$next}. Open alerts: none.
       *[other] Next: {$next}. Open alerts: {$open}.
    }
oncall-unacked = unacknowledged for {$duration}
oncall-paged = You are paged
oncall-paged-step = escalation step {$step} of {$steps}, {$waited}. Ack takes it.
oncall-escalation = Escalation
oncall-escalation-step = step {$step} of {$steps}, {$waited}: {$people}
oncall-mention-oncall = on call {$person}
oncall-mention-operators = operators {$people}
oncall-refused = Could not page {$person} privately (Telegram: {$error}). They must open a private chat with the bot and press Start once. Escalation goes on.
oncall-usage = Usage: /oncall, or /oncall take [DURATION] — e.g. /oncall take 8h (90s, 30m, 8h, 2d; default: until the next handover)
oncall-not-a-duration = "{$text}" is not a duration.
oncall-take-too-long = A shift may be taken for at most 30d.
oncall-page-unknown = That page is not known here.
oncall-page-acked = Acknowledged: no more pages for it.
