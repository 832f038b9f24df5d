# Инциденты: /incident и постмортем (src/bot/render/incident*.ts).
# alert, ref, who и summary приходят уже отформатированными (HTML или Markdown).
incident-title = Инцидент #{$number}: {$summary}{ $more ->
    [0] {""}
   *[other] {" "}(и ещё {$more})
}
incident-opened = Открыт {$at}
incident-open-for = идёт уже {$duration}
incident-closed = закрыт {$at}, длился {$duration}
incident-alerts = { $count ->
    [one] {$count} алерт
    [few] {$count} алерта
   *[many] {$count} алертов
}
incident-alert-firing = 🔴 {$alert} {$summary}
incident-alert-resolved = ✅ {$alert} {$summary}
incident-timeline = Хронология ({$zone})
incident-user = id {$id}
incident-none = Открытых инцидентов нет. Последний — #{$number}: /incident {$number}
incident-none-ever = Инцидентов ещё не было: инцидент открывается, когда критичный алерт оповещает дежурного.
incident-not-found = Инцидента #{$number} нет.
incident-usage = Как вызывать: /incident [N] [md] — открытый инцидент или инцидент N; с md придёт постмортем файлом Markdown.
incident-postmortem-button = Постмортем
incident-postmortem-caption = Постмортем инцидента #{$number}: допишите выводы.
incident-event-fired = {$alert} сработал
incident-event-paged = {$alert}: дежурный оповещён
incident-event-escalated = {$alert}: эскалация на {$who} ({$target})
incident-event-escalated-group = {$alert}: эскалация в группу
incident-event-page-refused = {$alert}: не удалось написать {$who} в личку ({$error})
incident-event-acked = {$alert}: взял в работу {$who}
incident-event-silenced = {$alert} заглушил {$who} до {$until}
incident-event-resolved = {$alert} закрылся
incident-target-oncall = дежурный
incident-target-next = следующий по графику
incident-action-deploy = Деплой
incident-action-rollback = Откат
incident-action-started = {$kind} {$ref} запустил {$who}
incident-action-finished = {$kind} {$ref} завершён: {$outcome}
incident-action-healthy = {$kind} {$ref}: после него API в порядке
incident-action-unhealthy = {$kind} {$ref}: после него API всё ещё недоступен
incident-action-interrupted = {$kind} {$ref} прерван
incident-outcome-succeeded = успешно
incident-outcome-failed = с ошибкой
incident-outcome-timed_out = по таймауту
incident-outcome-interrupted = прерван
incident-outcome-running = ещё идёт
incident-outcome-pending = не запускался
incident-outcome-cancelled = отменён
incident-outcome-expired = истёк
incident-outcome-unknown = неизвестно
incident-md-summary = Кратко
incident-md-opened = Открыт: {$at}
incident-md-closed = Закрыт: {$at}
incident-md-still-open = Ещё открыт
incident-md-impact = Влияние
incident-md-open-for = Длительность: {$duration}
incident-md-first-ack = До первого Ack (оповещение → Ack): {$duration}
incident-md-never-acked = никто не взял
incident-md-resolve = До устранения (первый алерт → закрылись все): {$duration}
incident-md-not-resolved = ещё не устранён
incident-md-timeline = Хронология
incident-md-time = Время ({$zone})
incident-md-event = Событие
incident-md-actions = Что делали
incident-md-action = {$kind} {$ref}, запросил {$requestedBy}, подтвердил {$confirmedBy}: {$state} ({$started}–{$finished} {$zone})
incident-md-no-actions = Пока инцидент был открыт, деплоев и откатов не было.
incident-md-follow-ups = Выводы и задачи
incident-md-follow-up-cause = Первопричина:
incident-md-follow-up-detection = Как узнать раньше:
incident-md-follow-up-prevention = Что сделать, чтобы не повторилось:
incident-md-follow-up-owner = Ответственный и срок:
