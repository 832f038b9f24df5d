# Flapping alerts (src/bot/render/flapping.ts): posted in the alert group, in BOT_LOCALE.
flapping-title = { $count ->
    [one] Flapping: { $count } alert
   *[other] Flapping: { $count } alerts
}
flapping-explain = Its fire and resolve messages are held until it keeps one state for an hour.
flapping-firing = { $changes } changes within an hour, now firing
flapping-resolved = { $changes } changes within an hour, now resolved
settled-title = { $count ->
    [one] No longer flapping: { $count } alert
   *[other] No longer flapping: { $count } alerts
}
settled-explain = Kept one state for an hour: its messages resume.
settled-firing = firing for { $duration }
settled-resolved = resolved for { $duration }
