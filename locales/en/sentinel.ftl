# The sentinel's messages, from another host (src/bot/render/sentinel.ts).
sentinel-firing =
    { $warning ->
        [one] {$critical} critical and {$warning} warning firing
       *[other] {$critical} critical and {$warning} warnings firing
    }
sentinel-waiting-none = no alert message waiting
sentinel-waiting =
    { $n ->
        [one] {$n} alert message waiting
       *[other] {$n} alert messages waiting
    }
sentinel-waiting-oldest = , the oldest for {$duration}
sentinel-signature = — the sentinel, from another host
sentinel-silent = opsbot is silent
sentinel-silent-detail = no heartbeat for {$gap} (since {$since}).
sentinel-silent-why = Its host, its network or the bot itself may be down: its alerts are not reaching you.
sentinel-never-heard = It has not been heard from since the sentinel started.
sentinel-last-word = Its last word: {$firing}; {$waiting} (version {$version}).
sentinel-telegram = opsbot cannot reach Telegram
sentinel-telegram-detail = its last alert delivery failed (since {$since}).
sentinel-stuck = opsbot's alerts are stuck
sentinel-stuck-detail = an alert message has waited undelivered for over 5 minutes.
sentinel-now = Now {$firing}; {$waiting}.
sentinel-whole = opsbot's paging path is whole again
sentinel-whole-detail =
    { $reason ->
        [silent] after {$duration} silent ({$since} – {$until}).
       *[broken] after {$duration} broken ({$since} – {$until}).
    }
sentinel-waited-none = No alert message waited undelivered.
sentinel-waited =
    { $n ->
        [one] {$n} alert message waited undelivered.
       *[other] {$n} alert messages waited undelivered.
    }
