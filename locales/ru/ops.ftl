# /health, /jobs, /stuck, /sync и их кнопки (src/bot/features/ops-queries.ts, src/bot/render/).
quick-health = Состояние
quick-jobs = Задачи
quick-stuck = Зависшие
quick-sync = Синк
stuck-usage = Формат: /stuck [minutes] — целое число минут от 1 до 10080.
column-project = проект
status-ok = ок
status-degraded = деградация
status-down = лежит
status-not_configured = не настроен

health-title = Состояние
health-schema = Схема
health-connectors = Коннекторы
health-watcher = Вотчер
health-bot = Бот
health-latency = {$ms} мс
health-reported = статус {$status}
health-unknown = неизвестно
health-sse = SSE {$value}
health-sse-connections = {$n ->
    [one] {$n} подключение
    [few] {$n} подключения
   *[many] {$n} подключений
}
health-api-redis = Redis (глазами API) {$value}
health-pubsub = pub/sub: каналов {$channels}, ошибок публикации {$failed}
health-db-pool = пул БД {$value}
health-db-pool-figures = открыто {$open}, свободно {$idle}, ждут {$waiting}
health-received = ответ: {$body}
health-schema-mismatch = схема не совпадает: {$tables}
health-scheduler-gaps = нет {$tables}: туда пишет планировщик LabPics, так что каждый тик воркера падает
health-mock-connectors = в mock-режиме {$n} (тестовые данные, не сервис): {$names}
health-blind = не видит: {$checks}
health-pg-connections = подключения {$used}/{$max}
health-redis-memory = память {$size}
health-uptime = работает {$duration}
health-watcher-not-running = вотчер не запущен
health-watcher-waiting = вотчер ждёт первого тика
health-watcher-ticked = вотчер тикал {$age}

jobs-none = В scheduled_jobs нет задач.
jobs-title = Задачи по расписанию
jobs-count-suspended = {$n ->
    [one] {$n} приостановлена
    [few] {$n} приостановлены
   *[many] {$n} приостановлено
}
jobs-count-failed = {$n ->
    [one] {$n} упала
    [few] {$n} упали
   *[many] {$n} упало
}
jobs-count-stuck = {$n ->
    [one] {$n} зависла
    [few] {$n} зависли
   *[many] {$n} зависло
}
jobs-count-overdue = {$n ->
    [one] {$n} просрочена
    [few] {$n} просрочены
   *[many] {$n} просрочено
}
jobs-count-total = всего {$n}
jobs-count-total-in-projects = всего {$n} в {$projects ->
    [one] {$projects} проекте
   *[other] {$projects} проектах
}
jobs-column-job = задача
jobs-column-last-run = запуск
jobs-column-next-run = следующий
jobs-paused = на паузе
jobs-suspended = приостановлена
jobs-legend = ⛔ приостановлена  ❌ упала  🧊 зависла  ⏰ просрочена  🔄 идёт  💤 на паузе

stuck-none = ✅ Нет запусков воркеров и процессов дольше {$threshold}.
stuck-none-workers = ✅ Нет запусков воркеров дольше {$threshold}.
stuck-processes-unreadable = ⚠️ Не удалось прочитать запуски процессов: {$error}
stuck-title = Зависшие запуски
stuck-count = {$n} идут дольше {$threshold}, старые сверху
stuck-column-age = идёт
stuck-column-kind = тип
stuck-column-name = имя
stuck-failed-title = Упавшие процессы
stuck-failed-count = {$n} за последние 24 ч
stuck-orphans = 🧹 Очистка мёртвых задач LabPics ({$dead}) не сняла {$n ->
    [one] этот запуск воркера. Чтобы пометить его упавшим
   *[other] эти запуски воркеров ({$n}). Чтобы пометить их упавшими
}, выполните в его базе (бот туда не пишет):

sync-none = В connector_sync_state нет коннекторов.
sync-title = Синк коннекторов
sync-count-failed = упало {$n}
sync-count-partial = частично {$n}
sync-count-stale = устарело {$n}
sync-count-idle = без синка {$n}
sync-count-mock = mock {$n}
sync-count-total = всего {$n}
sync-column-connector = коннектор
sync-column-status = статус
sync-column-last-sync = синк
sync-status-stuck = running (завис)
sync-status-unknown = неизвестно
sync-status-mock = {$status} (mock)
sync-legend = ❌ упал  ⏰ устарел
sync-legend-labpics = ❌ упал  🧊 завис  ⚠️ частично  ⏰ устарел  ➖ ни разу не синкался
sync-legend-mock = 🧪 mock-режим: LabPics синкает тестовые данные, а не сервис
