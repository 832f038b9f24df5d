# /report and the weekly post (src/bot/render/report.ts).
report-usage = Usage: /report [7d|30d] — the on-call report over the last 7 days (default) or 30 days.
report-title = { $days ->
    [7] On-call report: the last 7 days
   *[other] On-call report: the last { $days } days
}
report-window = { $from } — { $to }
report-pages = { $pages ->
    [one] { $pages } page, { $outside } outside working hours
   *[other] { $pages } pages, { $outside } outside working hours
}
report-working-hours = working hours: 09:00–19:00 on weekdays, { $zone }
report-incidents = { $incidents ->
    [one] { $incidents } incident
   *[other] { $incidents } incidents
}
report-mtta = MTTA (page → ack): p50 { $p50 }, p90 { $p90 } · { $count } acked
report-mttr = MTTR (fire → resolve): p50 { $p50 }, p90 { $p90 } · { $count } resolved
report-none = —
report-noisiest-kinds = Noisiest kinds (times fired)
report-noisiest-alerts = Noisiest alerts
report-flapping = Flapping
report-flapping-line = { $times ->
    [one] marked flapping once
   *[other] marked flapping { $times } times
}
report-silences = Longest silences in force
report-silence-line = until { $until } ({ $length }), by { $who }
report-nothing = nothing
report-chart-title = Pages per day ({ $zone })
report-chart-unit = pages
report-chart-caption = Pages per day, the last { $days } days
