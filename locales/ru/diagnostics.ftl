# /runs, /pg и /backups (src/bot/render/runs.ts, pg.ts, backups.ts, features/diagnostics.ts).
# $title и $job приходят уже оформленными; имена задач и проектов не переводятся.
runs-usage = Формат: /runs [JOB] [PROJECT] — история запусков всех задач или одной (с графиком).
runs-none = За 7 дней запусков воркеров не было.
runs-none-for = За 7 дней запусков не было: {$scope}.
runs-title = Запуски воркеров
runs-header = {$title} — запуски, доля успешных, p50/p95 длительности
runs-header-for = {$title}: {$scope} — запуски, доля успешных, p50/p95 длительности
runs-col-job = задача
runs-col-project = проект
runs-col-day = 24 ч
runs-col-week = 7 д
runs-col-ok = ок
runs-last-failures = Последние ошибки
runs-no-failures = ✅ За 7 дней ошибок нет.
runs-no-error = ошибка не записана
runs-under-second = <1 с
runs-minutes-seconds = {$m} мин {$s} с
runs-job-none = Запусков {$job} не найдено.
runs-job-title = { $n ->
    [one] Последний {$n} запуск
    [few] Последние {$n} запуска
   *[many] Последние {$n} запусков
}
runs-col-started = начат
runs-col-took = длился
runs-col-id = id
runs-job-legend = ✅ ок  ❌ ошибка  🔄 идёт
# График (текст на картинке) и подпись к фото.
runs-chart-week = {$scope} — длительность запусков, 7 дней
runs-chart-newest = { $n ->
    [one] {$scope} — последний {$n} запуск с {$since}
    [few] {$scope} — последние {$n} запуска с {$since}
   *[many] {$scope} — последние {$n} запусков с {$since}
}
runs-chart-x = начало (UTC)
runs-chart-seconds = секунды
runs-chart-minutes = минуты
runs-chart-status-ok = ок
runs-chart-status-failed = ошибка
runs-chart-status-running = идёт
runs-caption-week = { $n ->
    [one] {$n} запуск за 7 дней
    [few] {$n} запуска за 7 дней
   *[many] {$n} запусков за 7 дней
}
runs-caption-newest = { $n ->
    [one] последний {$n} запуск, с {$since} (за неделю их больше)
    [few] последние {$n} запуска, с {$since} (за неделю их больше)
   *[many] последние {$n} запусков, с {$since} (за неделю их больше)
}
runs-caption = {$job}: {$runs}, с ошибкой — {$failed}. Длительность по времени старта; ❌ ошибки — красные треугольники.

pg-header = 🐘 {$title} {$note}
pg-literals-note = тексты запросов без литералов
pg-unavailable = недоступно: {$error}
pg-connections = Подключения
pg-connections-line = {$total} из max_connections {$max} ({$share}%): {$states}
pg-connections-line-nomax = {$total} из max_connections {$max}: {$states}
pg-no-sessions = сессий не видно
pg-longest = Самые долгие запросы
pg-longest-none = долгих нет
pg-blocked = Заблокированные сессии
pg-blocked-none = никто не ждёт блокировку
pg-blocked-by = ⛔ ждёт {$pids}
pg-blocking = Кто блокирует
pg-idle = Idle in transaction
pg-idle-none = нет
pg-size = Размер
pg-size-line = база {$size}; крупнейшие: {$tables}
pg-no-tables = таблиц нет

backups-not-configured = ➖ Бэкапы не настроены: укажите в BACKUP_DIR каталог, куда пишет backup.sh.
backups-title = Бэкапы
backups-header-all = 💾 {$title} в {$dir}: хранится {$count}, всего {$size}
backups-header-newest = 💾 {$title} в {$dir}: хранится {$count}, {$size} в последних {$measured}
backups-newest = Последний
backups-before = Предыдущий
backups-file = {$label}: {$name} — {$age}, {$size}
backups-file-unread = {$label}: {$name} — {$age}, {$size}, не прочитан ({$detail})
backups-unreadable = ⚠️ Не удалось прочитать: {$n} (удалены после листинга или битые ссылки), пропущены.
backups-ok = ✅ Последний бэкап моложе {$hours} ч и не обрезан.
