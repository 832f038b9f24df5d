# Что пишет сообщение, обрезанное до 4096 символов Telegram (src/bot/format/).
format-more = и ещё {$n}
