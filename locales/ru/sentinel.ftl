# Сообщения сентинела с другого хоста (src/bot/render/sentinel.ts).
sentinel-firing = горят критичных: {$critical}, прочих: {$warning}
sentinel-waiting-none = неотправленных сообщений об алертах нет
sentinel-waiting =
    { $n ->
        [one] {$n} сообщение об алертах ждёт отправки
        [few] {$n} сообщения об алертах ждут отправки
       *[many] {$n} сообщений об алертах ждут отправки
    }
sentinel-waiting-oldest = , самое старое — {$duration}
sentinel-signature = — сентинел, с другого хоста
sentinel-silent = opsbot молчит
sentinel-silent-detail = нет хартбита уже {$gap} (с {$since}).
sentinel-silent-why = Мог упасть его хост, сеть или сам бот: его алерты до вас не доходят.
sentinel-never-heard = С запуска сентинела от него не было ни одного хартбита.
sentinel-last-word = Последнее, что он сообщил: {$firing}; {$waiting} (версия {$version}).
sentinel-telegram = opsbot не может достучаться до Telegram
sentinel-telegram-detail = последняя отправка алерта не удалась (с {$since}).
sentinel-stuck = алерты opsbot застряли
sentinel-stuck-detail = сообщение об алерте не отправлено уже больше 5 минут.
sentinel-now = Сейчас {$firing}; {$waiting}.
sentinel-whole = путь алертов opsbot снова цел
sentinel-whole-detail =
    { $reason ->
        [silent] бот молчал {$duration} ({$since} – {$until}).
       *[broken] путь был сломан {$duration} ({$since} – {$until}).
    }
sentinel-waited-none = Неотправленных сообщений об алертах не было.
sentinel-waited =
    { $n ->
        [one] {$n} сообщение об алертах ждало отправки.
        [few] {$n} сообщения об алертах ждали отправки.
       *[many] {$n} сообщений об алертах ждали отправки.
    }
