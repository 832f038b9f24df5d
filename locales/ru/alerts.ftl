# Сообщения об алертах (src/bot/render/alerts.ts, alert-text.ts), кнопки под ними и
# /alerts, /silence, /unsilence (src/bot/features/alerts.ts).

## Алерт вотчера по его фактам: alert-<kind>. $project — « [имя]» или пусто,
## $error — «: текст» или пусто; время и размеры приходят уже записанными.
alert-api_down = API нездоров (/health){$error}
alert-pg_down =
    { $case ->
        [up] PostgreSQL снова доступен
       *[down] PostgreSQL недоступен{$error}
    }
alert-redis_down = Redis недоступен{$error}
alert-scheduler_stalled =
    { $case ->
        [cause] планировщик встал: просроченных активных задач — {$overdue}, последний запуск воркера {$lastRunAt}; причина: {$cause}
       *[plain] планировщик встал: просроченных активных задач — {$overdue}, последний запуск воркера {$lastRunAt}
    }
alert-watcher_degraded = проверка {$check} не выполняется{$error}
alert-job_suspended = задача {$job}{$project} приостановлена планировщиком после серии падений{$error}
alert-backup_stale =
    { $case ->
        [missing] в {$dir} нет ни одного бэкапа
        [old] последний бэкап {$file} закончен {$finishedAt}, больше {$hours} ч назад
        [truncated] последний бэкап {$file} весит {$fileBytes} — {$percent}% от предыдущего ({$previous}, {$previousBytes}): дамп обрезан?
       *[damaged] бэкап {$file} ({$fileBytes}) — неполный дамп{$error}
    }
alert-pg_blocked = {$session} ждёт блокировку дольше {$minutes} мин, держит pid {$blockers}: {$query}
alert-webhook_failing =
    { $case ->
        [error] Telegram не может доставить апдейты на {$url}: последняя ошибка доставки {$minutes} мин назад ({$errorAt}){$error}
        [pending] Telegram не может доставить апдейты на {$url}: в очереди {$pending}
       *[both] Telegram не может доставить апдейты на {$url}: последняя ошибка доставки {$minutes} мин назад ({$errorAt}){$error}; в очереди {$pending}
    }
alert-watchdog_missing = алерт {$alertname} из Alertmanager последний раз пришёл {$minutes} мин назад ({$lastAt}): цепочка Prometheus → Alertmanager сломана
alert-stuck_worker =
    { $case ->
        [job] задача {$job}{$project} висит с {$startedAt}
        [unreaped] воркер {$id} ({$name}){$project} висит с {$startedAt}; очистка мёртвых задач LabPics его не сняла: SQL, который пометит его упавшим, — в /stuck
       *[run] воркер {$id} ({$name}){$project} висит с {$startedAt}
    }
alert-stuck_process = процесс {$id} ({$name}){$project} висит с {$startedAt}
alert-job_failed = задача {$job}{$project} упала{$error}
alert-job_overdue = задача {$job}{$project} просрочена: запуск ожидался {$dueAt}
alert-connector_failed =
    { $case ->
        [stuck] коннектор {$connector}{$project} синхронизируется с {$startedAt} — завис
       *[failed] коннектор {$connector}{$project}: синхронизация упала ({$status}){$error}
    }
alert-connector_stale = коннектор {$connector}{$project}: последняя синхронизация {$syncedAt}
alert-connector_partial = коннектор {$connector}{$project}: синхронизация прошла частично{$error}
alert-pg_connections_high = соединений с PostgreSQL: {$used} из {$max}
alert-pg_long_query = запрос {$session} идёт дольше {$minutes} мин: {$query}

## Уведомление о любом числе алертов.
alerts-firing =
    { $n ->
        [one] Сработал {$n} алерт
        [few] Сработали {$n} алерта
       *[many] Сработало {$n} алертов
    }
alerts-repeat =
    { $n ->
        [one] Всё ещё горит {$n} алерт
        [few] Всё ещё горят {$n} алерта
       *[many] Всё ещё горят {$n} алертов
    }
alerts-resolved =
    { $n ->
        [one] Прошёл {$n} алерт
        [few] Прошли {$n} алерта
       *[many] Прошло {$n} алертов
    }
alerts-critical-count = критичных: {$n}
alerts-warning-count = прочих: {$n}
alerts-warning-only = некритично
alerts-since = уже {$duration}
alerts-lasted = длился {$duration}
alerts-silenced-note = Заглушил {$who} до {$until}
alerts-acked-note = Взял {$who} в {$at}: повторов не будет, пока не пройдёт

## Кнопки под алертами и ответы на них.
alerts-button-silence = Тишина {$hours} ч
alerts-button-ack = Беру
alerts-silenced-answer = Заглушено на {$hours} ч.
alerts-acked-answer = Взято: повторов не будет, пока не пройдёт.
alerts-already-acked = Уже взят или прошёл.
alerts-unknown-message = Такого сообщения об алерте здесь нет.

## /alerts
alerts-none = Алертов нет.
alerts-none-but-blind =
    { $n ->
        [one] Алертов нет, но {$n} проверка вслепую
        [few] Алертов нет, но {$n} проверки вслепую
       *[many] Алертов нет, но {$n} проверок вслепую
    }
alerts-blind-unknown = что с их алертами — неизвестно:
alerts-blind-check = {$check} не выполняется{$reason}
alerts-blind-checks = Проверки вслепую
alerts-open-firing = Горит: {$n}
alerts-open-silenced = до {$until}
alerts-open-acked = взял {$who}
alerts-silences = Заглушено ({$n})
alerts-silence-scheduled = {$key} запланировано {$from} → {$until}, {$who}
alerts-silence-until = {$key} до {$until}, {$who}

## /silence и /unsilence
silence-usage = Формат: /silence КЛЮЧ СРОК [in ЗАДЕРЖКА] — например, /silence stuck_worker:42 4h или /silence api_down 2h in 30m для окна работ (30m, 4h, 2d; КЛЮЧ — вид, ключ или ВИД:префикс*)
unsilence-usage = Формат: /unsilence КЛЮЧ — ключ точно как в /alerts; /unsilence ПРЕФИКС* снимает все тишины с ключом на ПРЕФИКС (например, am:*), /unsilence all — все
silence-broad-pattern = {$key}: в шаблоне перед * нужен полный вид и двоеточие, например job_failed:*.
silence-not-a-key = {$key}: это не ключ алерта.
silence-too-short = Тишина — минимум 1m.
silence-too-long = Тишина — максимум {$days}d (SILENCE_MAX_DAYS).
silence-delay-bounds = Задержка — от 1m до 30d.
silence-window-from = с {$from} до {$until}
silence-window-until = до {$until}
silence-stays = {$key} и так заглушен {$window}: новая тишина не сокращает более длинную.
silence-scheduled = {$key} будет заглушен {$window} (окно работ).
silence-set = {$key} заглушен {$window}.
unsilence-key-lifted = {$key} больше не заглушен.
unsilence-key-none = Для {$key} нет ни действующей, ни запланированной тишины.
unsilence-lifted =
    { $n ->
        [one] Снята {$n} тишина{$under}.
        [few] Сняты {$n} тишины{$under}.
       *[many] Снято {$n} тишин{$under}.
    }
unsilence-under = {" "}по {$key}
unsilence-none = Нет ни действующих, ни запланированных тишин{$under}.
