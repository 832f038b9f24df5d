# The console demo (npm start without TELEGRAM_BOT_TOKEN, src/console/).
console-demo-banner =
    DEMO MODE — embedded PostgreSQL with made-up LabPics data in its real shape: three
    projects, a stuck worker and process, a suspended, a failed and an overdue job, a failed
    and an idle connector. Nothing here is production. Set DATABASE_URL to
    read a real database, TELEGRAM_BOT_TOKEN to talk to Telegram.
console-banner = opsbot console — you are an operator. Type /help; type a number to press a button.
console-no-button = No button {$n}. Type a command, or the number of a button shown.
console-edited = (edited) {$text}
console-notice = (notice) {$text}
console-document = 📎 {$name} ({$size})
console-document-caption = 📎 {$name} ({$size}): {$caption}
