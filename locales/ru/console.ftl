# Консольное демо (npm start без TELEGRAM_BOT_TOKEN, src/console/).
console-demo-banner =
    ДЕМО — встроенный PostgreSQL с выдуманными данными LabPics в её настоящей схеме: три
    проекта, зависшие воркер и процесс, приостановленная, упавшая и просроченная задачи,
    упавший и простаивающий коннекторы. Это не прод. DATABASE_URL — читать настоящую базу,
    TELEGRAM_BOT_TOKEN — говорить через Telegram.
console-banner = Консоль opsbot — вы оператор. Наберите /help; цифра нажимает кнопку.
console-no-button = Кнопки {$n} нет. Наберите команду или номер показанной кнопки.
console-edited = (изменено) {$text}
console-notice = (уведомление) {$text}
console-document = 📎 {$name} ({$size})
console-document-caption = 📎 {$name} ({$size}): {$caption}
