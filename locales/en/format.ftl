# What a message cut to Telegram's 4096 characters says of the rest (src/bot/format/).
format-more = +{$n} more
